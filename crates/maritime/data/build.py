#!/usr/bin/env python3
"""Builds the geography shipped in crates/maritime/data from public sources.

Run once, from this directory, when the sources change:

    npm install --prefix /tmp/geo world-atlas@2          # Natural Earth land, TopoJSON (ISC)
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy scipy
    /tmp/venv/bin/python3 build.py /tmp/geo/node_modules/world-atlas/land-10m.json \
        ../../../../shared/data/geo/WPI_ports.csv \
        ../../../../shared/data/geo/anchorage_overrides.csv

Writes:

* shore.bin.z  -- distance to the nearest coastline, zlib-compressed: a 16-byte header
  (magic "ISHORE01", u16 columns, u16 rows, u16 cells per degree, u16 reserved, all
  little-endian), then one byte per cell, rows from north (90 N) to south, columns from
  west (180 W) to east: 0 = the cell centre is on land, 1..254 = whole nautical miles to
  the nearest coastline point (at least 1 at sea), 255 = 255 nmi or more.
(Pass `-` instead of the land file to rebuild only the ports.)

* ports.csv.gz -- ports and anchorages: iso3,label,latitude,longitude (5 decimals); the
  World Port Index ports, and the named anchorages thinned to one point per label and
  0.01 degree cell.
"""
import csv
import gzip
import io
import json
import struct
import sys
import zlib

import numpy as np
from scipy.spatial import cKDTree

CELLS_PER_DEG = 10
COLS, ROWS = 360 * CELLS_PER_DEG, 180 * CELLS_PER_DEG
EARTH_NMI = 6371.0088 / 1.852


def topo_rings(path):
    """Rings (lists of lon, lat) of every polygon of the TopoJSON land object."""
    topo = json.load(open(path))
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        a = np.cumsum(np.array(arc, dtype=np.int64), axis=0).astype(np.float64)
        a[:, 0] = a[:, 0] * sx + tx
        a[:, 1] = a[:, 1] * sy + ty
        arcs.append(a)

    def ring(ids):
        parts = []
        for i in ids:
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            parts.append(a if not parts else a[1:])
        return np.concatenate(parts)

    polys = []
    for geom in topo["objects"]["land"]["geometries"]:
        coords = geom["arcs"]
        if geom["type"] == "Polygon":
            coords = [coords]
        for poly in coords:
            polys.append([ring(r) for r in poly])
    return polys


def land_mask(polys):
    """True where a cell centre lies inside land (even-odd rule over all rings)."""
    mask = np.zeros((ROWS, COLS), dtype=bool)
    lats = 90 - (np.arange(ROWS) + 0.5) / CELLS_PER_DEG
    lons = -180 + (np.arange(COLS) + 0.5) / CELLS_PER_DEG
    for poly in polys:
        for r in poly:
            x, y = r[:, 0], r[:, 1]
            x0, x1, y0, y1 = x.min(), x.max(), y.min(), y.max()
            rows = np.nonzero((lats >= y0) & (lats <= y1))[0]
            cols = np.nonzero((lons >= x0) & (lons <= x1))[0]
            if len(rows) == 0 or len(cols) == 0:
                continue
            xa, ya = x[:-1], y[:-1]
            xb, yb = x[1:], y[1:]
            for row in rows:
                lat = lats[row]
                # Crossings of this row's latitude by the ring's edges.
                hit = (ya > lat) != (yb > lat)
                if not hit.any():
                    continue
                xc = xa[hit] + (lat - ya[hit]) * (xb[hit] - xa[hit]) / (yb[hit] - ya[hit])
                xc.sort()
                ccols = lons[cols]
                inside = (np.searchsorted(xc, ccols) % 2) == 1
                mask[row, cols[inside]] ^= True
    return mask


def unit(lat, lon):
    la, lo = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


def coast_points(polys, step_deg=0.01):
    """Points along every ring, at most `step_deg` apart."""
    pts = []
    for poly in polys:
        for r in poly:
            a, b = r[:-1], r[1:]
            n = np.maximum(1, np.ceil(np.abs(b - a).max(axis=1) / step_deg)).astype(int)
            for k in range(n.max()):
                sel = n > k
                t = (k / n[sel])[:, None]
                pts.append(a[sel] + (b[sel] - a[sel]) * t)
    return np.concatenate(pts)


def shore(land_path):
    polys = topo_rings(land_path)
    print(f"{len(polys)} polygons", file=sys.stderr)
    mask = land_mask(polys)
    print(f"land cells {mask.sum()}", file=sys.stderr)
    pts = coast_points(polys)
    print(f"coast points {len(pts)}", file=sys.stderr)
    tree = cKDTree(unit(pts[:, 1], pts[:, 0]))
    lats = 90 - (np.arange(ROWS) + 0.5) / CELLS_PER_DEG
    lons = -180 + (np.arange(COLS) + 0.5) / CELLS_PER_DEG
    out = np.zeros((ROWS, COLS), dtype=np.uint8)
    for row in range(ROWS):
        sea = ~mask[row]
        if not sea.any():
            continue
        q = unit(np.full(sea.sum(), lats[row]), lons[sea])
        chord, _ = tree.query(q, distance_upper_bound=2 * np.sin(255 / EARTH_NMI / 2) * 1.01)
        nmi = 2 * np.arcsin(np.minimum(chord, 2) / 2) * EARTH_NMI
        nmi = np.where(np.isfinite(chord), nmi, 255)
        out[row, sea] = np.clip(np.rint(nmi), 1, 255).astype(np.uint8)
    header = b"ISHORE01" + struct.pack("<HHHH", COLS, ROWS, CELLS_PER_DEG, 0)
    blob = zlib.compress(header + out.tobytes(), 9)
    open("shore.bin.z", "wb").write(blob)
    print(f"shore.bin.z {len(blob)} bytes", file=sys.stderr)


def ports(wpi_path, anch_path):
    rows = []
    for r in csv.DictReader(open(wpi_path)):
        rows.append((r["iso3"], r["label"].strip(), float(r["latitude"]), float(r["longitude"])))
    seen = set()
    for r in csv.DictReader(open(anch_path)):
        lat, lon = float(r["latitude"]), float(r["longitude"])
        key = (r["iso3"], r["label"].strip(), round(lat, 2), round(lon, 2))
        if key in seen:
            continue
        seen.add(key)
        rows.append((r["iso3"], r["label"].strip(), lat, lon))
    # The sources hold a few impossible coordinates (e.g. a longitude of 1001).
    bad = [r for r in rows if not (-90 <= r[2] <= 90 and -180 <= r[3] <= 180)]
    rows = [r for r in rows if r not in bad]
    print(f"dropped {len(bad)} rows with impossible coordinates: {bad}", file=sys.stderr)
    rows.sort()
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\n")
    w.writerow(["iso3", "label", "latitude", "longitude"])
    for iso3, label, lat, lon in rows:
        w.writerow([iso3, label, f"{lat:.5f}", f"{lon:.5f}"])
    blob = gzip.compress(text.getvalue().encode(), 9, mtime=0)
    open("ports.csv.gz", "wb").write(blob)
    print(f"ports.csv.gz {len(rows)} rows, {len(blob)} bytes", file=sys.stderr)


if __name__ == "__main__":
    ports(sys.argv[2], sys.argv[3])
    if sys.argv[1] != "-":
        shore(sys.argv[1])
