#!/usr/bin/env python3
"""Generates a realistic AIS sentence mix for the benchmarks.

Messages: about 70 % class A position reports (types 1, 2, 3), 15 % class B position
reports (type 18), 10 % static and voyage data (type 5, two sentences each) and 5 % class B
static data (type 24, parts A and B alternating). Fields are random but valid; MMSIs come
from a fleet of 20,000 vessels. Deterministic for a given seed.

usage: generate.py [MESSAGES] > mix.nmea     (default 1,000,000 messages, ~1.1 M sentences)
"""

import random
import sys

SIXBIT = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"


def armour(bits):
    """Packs a bit string into armour characters; returns (payload, fill bits)."""
    fill = (6 - len(bits) % 6) % 6
    bits += "0" * fill
    out = []
    for i in range(0, len(bits), 6):
        v = int(bits[i:i + 6], 2)
        out.append(chr(v + 48 if v < 40 else v + 56))
    return "".join(out), fill


def u(v, n):
    return format(v & ((1 << n) - 1), "0%db" % n)


def text(s, chars):
    s = (s.upper() + "@" * chars)[:chars]
    return "".join(u(SIXBIT.index(c) if c in SIXBIT else 0, 6) for c in s)


def sentence(body):
    cs = 0
    for ch in body:
        cs ^= ord(ch)
    return "!%s*%02X" % (body, cs)


def lonlat(rng):
    lon = int(rng.uniform(-180, 180) * 600000)
    lat = int(rng.uniform(-90, 90) * 600000)
    return lon, lat


NAMES = ["EVER GIVEN", "MAERSK ESSEN", "NORDIC STAR", "PACIFIC DAWN", "HANJIN BUSAN", "SEA HAWK", "OCEAN PRIDE",
         "CAPE ARIEL", "KOREA EXPRESS", "BLUE MARLIN", "MSC ANNA", "CMA CGM RHONE"]
PORTS = ["BUSAN", "INCHEON", "SINGAPORE", "ROTTERDAM", "LOS ANGELES", "SHANGHAI", "LAEM CHABANG", "YOKOHAMA"]


def position(rng, mmsi):
    lon, lat = lonlat(rng)
    bits = (u(rng.choice([1, 1, 1, 2, 3]), 6) + u(0, 2) + u(mmsi, 30) + u(rng.randrange(16), 4)
            + u(rng.randrange(-127, 128), 8) + u(rng.randrange(1023), 10) + u(rng.randrange(2), 1)
            + u(lon, 28) + u(lat, 27) + u(rng.randrange(3600), 12) + u(rng.randrange(360), 9)
            + u(rng.randrange(60), 6) + u(0, 2) + u(0, 3) + u(rng.randrange(2), 1) + u(rng.randrange(1 << 19), 19))
    return bits


def class_b(rng, mmsi):
    lon, lat = lonlat(rng)
    return (u(18, 6) + u(0, 2) + u(mmsi, 30) + u(0, 8) + u(rng.randrange(1023), 10) + u(rng.randrange(2), 1)
            + u(lon, 28) + u(lat, 27) + u(rng.randrange(3600), 12) + u(511, 9) + u(rng.randrange(60), 6)
            + u(0, 2) + "1" + "0" + "1" + "1" + "1" + "0" + u(rng.randrange(2), 1) + u(rng.randrange(1 << 20), 20))


def static(rng, mmsi):
    return (u(5, 6) + u(0, 2) + u(mmsi, 30) + u(0, 2) + u(rng.randrange(9000000, 9999999), 30)
            + text("D%dAB" % rng.randrange(100), 7) + text(rng.choice(NAMES), 20) + u(rng.choice([70, 80, 60, 30, 52]), 8)
            + u(rng.randrange(300), 9) + u(rng.randrange(100), 9) + u(rng.randrange(30), 6) + u(rng.randrange(30), 6)
            + u(1, 4) + u(rng.randrange(1, 13), 4) + u(rng.randrange(1, 29), 5) + u(rng.randrange(24), 5)
            + u(rng.randrange(60), 6) + u(rng.randrange(200), 8) + text(rng.choice(PORTS), 20) + "0" + "0")


def static_b(rng, mmsi, part):
    head = u(24, 6) + u(0, 2) + u(mmsi, 30) + u(part, 2)
    if part == 0:
        return head + text(rng.choice(NAMES), 20)
    return (head + u(rng.choice([36, 37, 30]), 8) + text("SRT", 3) + u(1, 4) + u(rng.randrange(1 << 20), 20)
            + text("MB%d" % rng.randrange(1000), 7) + u(10, 9) + u(5, 9) + u(2, 6) + u(2, 6) + u(0, 6))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = random.Random(20240601)
    fleet = [rng.randrange(200_000_000, 775_999_999) for _ in range(20_000)]
    out = sys.stdout
    seq = 0
    parts = {}
    lines = []
    for i in range(n):
        mmsi = rng.choice(fleet)
        channel = "AB"[i & 1]
        r = rng.random()
        if r < 0.70:
            bits = position(rng, mmsi)
        elif r < 0.85:
            bits = class_b(rng, mmsi)
        elif r < 0.95:
            payload, fill = armour(static(rng, mmsi))
            seq = (seq + 1) % 10
            lines.append(sentence("AIVDM,2,1,%d,%s,%s,0" % (seq, channel, payload[:60])))
            lines.append(sentence("AIVDM,2,2,%d,%s,%s,%d" % (seq, channel, payload[60:], fill)))
            continue
        else:
            part = parts.get(mmsi, 0)
            parts[mmsi] = 1 - part
            bits = static_b(rng, mmsi, part)
        payload, fill = armour(bits)
        lines.append(sentence("AIVDM,1,1,,%s,%s,%d" % (channel, payload, fill)))
        if len(lines) >= 10000:
            out.write("\n".join(lines) + "\n")
            lines = []
    if lines:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
