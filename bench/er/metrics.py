#!/usr/bin/env python3
"""Pairwise precision, recall and F1 of clusters against the truth: over all
pairs of records within predicted clusters and within true clusters.

usage: metrics.py TRUTH.csv CLUSTERS.csv   (both with columns id,cluster)
"""

import csv
import sys
from collections import Counter, defaultdict


def read(path):
    with open(path, encoding="utf-8") as f:
        return {r["id"]: r["cluster"] for r in csv.DictReader(f)}


def pairs_within(groups):
    return sum(n * (n - 1) // 2 for n in groups.values())


def scores(truth, predicted):
    missing = [i for i in truth if i not in predicted]
    if missing:
        raise SystemExit(f"{len(missing)} ids have no cluster, e.g. {missing[0]}")
    true_sizes = Counter(truth.values())
    pred_sizes = Counter(predicted[i] for i in truth)
    both = Counter((truth[i], predicted[i]) for i in truth)
    tp = pairs_within(both)
    true_pairs = pairs_within(true_sizes)
    pred_pairs = pairs_within(pred_sizes)
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp, pred_pairs, true_pairs


if __name__ == "__main__":
    p, r, f, tp, pp, tpairs = scores(read(sys.argv[1]), read(sys.argv[2]))
    print(f"precision {p:.4f} recall {r:.4f} f1 {f:.4f} (tp {tp}, predicted pairs {pp}, true pairs {tpairs})")
