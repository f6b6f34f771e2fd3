#!/usr/bin/env python3
"""Compares the encounters of the interdict engine (JSON lines) with PostGIS's (CSV), or
with another search's in the same CSV, named by the optional third argument:
the same pairs, and start and end times within ten minutes (the engine compares
positions up to ten minutes apart; an encounter still going on at the end of the data
has end null and is compared with the last close pair of positions in PostGIS)."""
import csv
import json
import sys
from datetime import datetime


def t(s):
    return int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp())


ours = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    key = (e["mmsi"], e["other_mmsi"])
    ours.setdefault(key, []).append((t(e["start"]), t(e["end"]) if e["end"] else None))
name = sys.argv[3] if len(sys.argv) > 3 else "PostGIS"
theirs = {}
for r in csv.DictReader(open(sys.argv[2])):
    key = (int(r["m1"]), int(r["m2"]))
    theirs.setdefault(key, []).append((int(r["start_t"]), int(r["end_t"])))

n_ours = sum(len(v) for v in ours.values())
n_theirs = sum(len(v) for v in theirs.values())
only_ours = sorted(set(ours) - set(theirs))
only_theirs = sorted(set(theirs) - set(ours))
both = set(ours) & set(theirs)
close = 0
for k in both:
    for (s1, e1), (s2, e2) in zip(sorted(ours[k]), sorted(theirs[k])):
        if abs(s1 - s2) <= 600 and (e1 is None or abs(e1 - e2) <= 600):
            close += 1
print(f"interdict: {n_ours} encounters of {len(ours)} pairs; {name}: {n_theirs} of {len(theirs)} pairs")
print(f"pairs in both: {len(both)}; only interdict: {len(only_ours)}; only {name}: {len(only_theirs)}")
print(f"encounters with start and end within 10 min of each other: {close}")
for k in only_ours[:5]:
    print("  only interdict:", k, ours[k])
for k in only_theirs[:5]:
    print(f"  only {name}:", k, theirs[k])
