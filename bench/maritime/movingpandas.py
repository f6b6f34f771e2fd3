#!/usr/bin/env python3
"""The encounter search of interdict-maritime's defaults with GeoPandas and MovingPandas
over a day of positions (written by the detectors benchmark with --dump), the same search
as postgis.sql: two vessels within 500 m, both slower than 2 kn, both at least 10 km from
every port and anchorage, positions at most 10 minutes apart; close observations of a
pair more than an hour apart start a new run; runs of at least two hours are encounters.

    movingpandas.py positions.csv ports.csv encounters.csv

Writes the encounters as CSV (m1,m2,start_t,end_t, as postgis.sql does) and prints the
time of each step. Reading the CSV files is timed apart and not counted in the search.

Distances. The positions are projected once to a Lambert conformal conic projection
fitted to the benchmark's area (24–42° N, 118–135° E; standard parallels 26.5° and 39.5° N,
central meridian 126.5° E, WGS 84). Being conformal, it scales every short distance at a
place by the same factor whatever its direction, and that factor stays within 0.7 % of
one over the area (it is computed for the data's extent at run time). The spatial
queries ask for the threshold times the largest factor, which finds everything within
the threshold on the ellipsoid; what is within the threshold times the smallest factor
is within it on the ellipsoid too, and the few answers in between are decided by their
geodesic distance on WGS 84 (pyproj.Geod), the distance that PostGIS's geography type
measures. (An azimuthal equidistant projection centred on the area keeps distances from
its centre but stretches others by up to 0.70 % across the area, depending on their
direction, and projecting a point costs a geodesic computation: 1.6 s rather than 0.2 s
for two million points. One UTM zone stretches by up to 1.5 % over the area; a zone
each would need the pairs across zone borders joined apart.)
"""
import os
import sys
import time
import warnings
from datetime import timedelta

import numpy as np
import pandas as pd
import pyproj
import shapely

# This file's own name would shadow the package: import it from the environment.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]

with warnings.catch_warnings():
    # MovingPandas warns that its optional smoothers' dependency is missing.
    warnings.simplefilter("ignore")
    import geopandas as gpd
    import movingpandas as mpd

MAX_DISTANCE_M = 500.0
MAX_SPEED_KN = 2.0
MIN_PORT_DISTANCE_M = 10_000.0
MAX_TIME_SKEW_S = 600
MAX_SILENCE_S = 3600
MIN_DURATION_S = 2 * 3600

CRS = pyproj.CRS.from_proj4(
    "+proj=lcc +lat_1=26.5 +lat_2=39.5 +lat_0=33 +lon_0=126.5 +datum=WGS84 +units=m +no_defs"
)
GEOD = pyproj.Geod(ellps="WGS84")
EPOCH = pd.Timestamp(0)
# Longitude and latitude to the projection, on coordinate arrays (GeoDataFrame.to_crs
# does the same through the point geometries).
TO_CRS = pyproj.Transformer.from_crs("EPSG:4326", CRS, always_xy=True)


def cpu():
    return time.process_time()


class Clock:
    """Wall and CPU time of each step."""

    def __init__(self):
        self.steps = []
        self.wall = time.perf_counter()
        self.cpu = cpu()

    def lap(self, name):
        w, c = time.perf_counter(), cpu()
        self.steps.append((name, w - self.wall, c - self.cpu))
        print(f"  {name}: {w - self.wall:.2f} s wall {c - self.cpu:.2f} s CPU", flush=True)
        self.wall, self.cpu = w, c

    def total(self):
        return sum(s[1] for s in self.steps), sum(s[2] for s in self.steps)


def scale_range(lat_min, lat_max, lon_min, lon_max):
    """The smallest and largest scale factor of the projection over an area (and a fifth
    of a degree around it), in any direction (the axes of Tissot's ellipse), a little
    widened."""
    lat, lon = np.meshgrid(np.linspace(lat_min - 0.2, lat_max + 0.2, 201),
                           np.linspace(lon_min - 0.2, lon_max + 0.2, 201))
    f = pyproj.Proj(CRS).get_factors(lon.ravel(), lat.ravel())
    k = np.r_[f.tissot_semiminor, f.tissot_semimajor]
    return float(k.min()) * (1 - 1e-4), float(k.max()) * (1 + 1e-4)


def geodesic_m(lon1, lat1, lon2, lat2):
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


def away_from_ports(pos, ports, scale):
    """The positions at least MIN_PORT_DISTANCE_M from every port: the nearest port in
    the projection decides, except in the band where the projection's scale could."""
    k_min, k_max = scale
    near = gpd.sjoin_nearest(pos[["geometry"]], ports[["geometry"]], how="left",
                             max_distance=MIN_PORT_DISTANCE_M * k_max, distance_col="port_m")
    # One row a position (equally near ports repeat it); NaN: none that near.
    d = near[~near.index.duplicated()]["port_m"].reindex(pos.index).to_numpy()
    in_port = d <= MIN_PORT_DISTANCE_M * k_min
    # In the band: every port within the wider radius, measured on the ellipsoid.
    band = np.flatnonzero(d > MIN_PORT_DISTANCE_M * k_min)
    if len(band):
        b = pos.iloc[band]
        i, j = ports.sindex.query(b.geometry, predicate="dwithin",
                                  distance=MIN_PORT_DISTANCE_M * k_max)
        g = geodesic_m(b["lon"].to_numpy()[i], b["lat"].to_numpy()[i],
                       ports["lon"].to_numpy()[j], ports["lat"].to_numpy()[j])
        in_port[band[np.unique(i[g <= MIN_PORT_DISTANCE_M])]] = True
    return pos[~in_port].reset_index(drop=True), len(band)


def close_pairs(cand, scale, use_sjoin=False):
    """Pairs of positions of two vessels within MAX_DISTANCE_M and MAX_TIME_SKEW_S of each
    other: the positions of each ten-minute bucket and the next one queried against the
    spatial index of the bucket's (so every two positions at most ten minutes apart meet
    once), then the time and the two vessels checked."""
    k_min, k_max = scale
    wide = MAX_DISTANCE_M * k_max
    t = cand["t"].to_numpy()
    mmsi = cand["mmsi"].to_numpy()
    bucket = t // MAX_TIME_SKEW_S  # cand is sorted by time, with a RangeIndex
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    ends = np.r_[starts[1:], len(cand)]
    ii, jj = [], []
    for n, (s, e) in enumerate(zip(starts, ends)):
        nxt = n + 1 < len(starts) and bucket[starts[n + 1]] == bucket[s] + 1
        q_end = ends[n + 1] if nxt else e
        if use_sjoin:
            j = gpd.sjoin(cand.iloc[s:q_end][["geometry"]], cand.iloc[s:e][["geometry"]],
                          predicate="dwithin", distance=wide)
            i, j = j.index.to_numpy(), j["index_right"].to_numpy()
        else:
            i, j = cand.iloc[s:e].sindex.query(cand.geometry.iloc[s:q_end],
                                               predicate="dwithin", distance=wide)
            i, j = i + s, j + s
        # Within the bucket each two positions come back in both orders: keep one.
        keep = (mmsi[i] != mmsi[j]) & ((bucket[i] != bucket[j]) | (mmsi[i] < mmsi[j])) & (
            np.abs(t[i] - t[j]) <= MAX_TIME_SKEW_S)
        ii.append(i[keep])
        jj.append(j[keep])
    i, j = np.concatenate(ii), np.concatenate(jj)
    # The band where the projection's scale could decide is measured on the ellipsoid.
    x, y = cand["x"].to_numpy(), cand["y"].to_numpy()
    d = np.hypot(x[i] - x[j], y[i] - y[j]) / k_min
    band = np.flatnonzero(d > MAX_DISTANCE_M)
    lat, lon = cand["lat"].to_numpy(), cand["lon"].to_numpy()
    d[band] = geodesic_m(lon[i[band]], lat[i[band]], lon[j[band]], lat[j[band]])
    ok = d <= MAX_DISTANCE_M
    i, j = i[ok], j[ok]
    return pd.DataFrame({
        "m1": np.minimum(mmsi[i], mmsi[j]),
        "m2": np.maximum(mmsi[i], mmsi[j]),
        "t": np.maximum(t[i], t[j]),
        "t0": np.minimum(t[i], t[j]),
        # The pair's place: the midpoint of the two positions.
        "x": (x[i] + x[j]) / 2,
        "y": (y[i] + y[j]) / 2,
    }), len(band)


def runs_movingpandas(close):
    """Runs of close observations of each pair, split at silences over an hour, with
    MovingPandas: one trajectory a pair (its midpoints in time), ObservationGapSplitter."""
    # One observation a pair and time (a trajectory keeps one row a timestamp): the
    # earliest position that made it.
    obs = close.groupby(["m1", "m2", "t"], as_index=False).agg(
        t0=("t0", "min"), x=("x", "first"), y=("y", "first"))
    obs["pair"] = obs["m1"] * 1_000_000_000 + obs["m2"]
    obs["time"] = pd.to_datetime(obs.pop("t"), unit="s")
    gdf = gpd.GeoDataFrame(obs, geometry=gpd.points_from_xy(obs["x"], obs["y"]), crs=CRS)
    # min_length=-1 keeps runs whose midpoint never moved (two vessels at anchor side
    # by side): the splitter otherwise drops trajectories of length 0.
    tc = mpd.TrajectoryCollection(gdf, traj_id_col="pair", t="time", min_length=-1)
    split = mpd.ObservationGapSplitter(tc).split(gap=timedelta(seconds=MAX_SILENCE_S))
    rows = []
    for traj in split:
        df = traj.df
        start = int(df["t0"].min())
        end = (traj.get_end_time() - EPOCH) // pd.Timedelta(seconds=1)
        if end - start >= MIN_DURATION_S:
            rows.append((int(df["m1"].iloc[0]), int(df["m2"].iloc[0]), start, end))
    return pd.DataFrame(rows, columns=["m1", "m2", "start_t", "end_t"]), len(tc), len(gdf)


def runs_pandas(close):
    """The same runs with a pandas groupby (a cross-check, and its time for reference)."""
    c = close.sort_values(["m1", "m2", "t"], kind="stable")
    same = (c["m1"] == c["m1"].shift()) & (c["m2"] == c["m2"].shift())
    brk = ~same | (c["t"] - c["t"].shift() > MAX_SILENCE_S)
    c = c.assign(run=brk.cumsum())
    r = c.groupby("run").agg(m1=("m1", "first"), m2=("m2", "first"),
                             start_t=("t0", "min"), end_t=("t", "max"))
    r = r[r["end_t"] - r["start_t"] >= MIN_DURATION_S]
    return r.reset_index(drop=True)


def main():
    positions_csv, ports_csv, out_csv = sys.argv[1:4]
    print(f"GeoPandas {gpd.__version__}, MovingPandas {mpd.__version__}, pandas {pd.__version__}, "
          f"Shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), "
          f"pyproj {pyproj.__version__}")
    w, c = time.perf_counter(), cpu()
    pos = pd.read_csv(positions_csv, engine="pyarrow")
    ports = pd.read_csv(ports_csv, engine="pyarrow").rename(
        columns={"latitude": "lat", "longitude": "lon"})
    print(f"read {len(pos):,} positions and {len(ports):,} ports: "
          f"{time.perf_counter() - w:.2f} s wall {cpu() - c:.2f} s CPU (not counted)", flush=True)

    clock = Clock()
    # Slow positions as points in the projection.
    slow = pos[pos["sog"] < MAX_SPEED_KN].sort_values("t", kind="stable").reset_index(drop=True)
    x, y = TO_CRS.transform(slow["lon"].to_numpy(), slow["lat"].to_numpy())
    slow = gpd.GeoDataFrame(slow.assign(x=x, y=y), geometry=gpd.points_from_xy(x, y), crs=CRS)
    lat0, lat1 = slow["lat"].min(), slow["lat"].max()
    lon0, lon1 = slow["lon"].min(), slow["lon"].max()
    scale = scale_range(lat0, lat1, lon0, lon1)
    # The ports near the area (a degree around it), in the projection.
    ports = ports[ports["lat"].between(lat0 - 1, lat1 + 1) & ports["lon"].between(lon0 - 1, lon1 + 1)]
    x, y = TO_CRS.transform(ports["lon"].to_numpy(), ports["lat"].to_numpy())
    ports = gpd.GeoDataFrame(ports.reset_index(drop=True), geometry=gpd.points_from_xy(x, y),
                             crs=CRS)
    clock.lap(f"slow positions as projected points ({len(slow):,}; "
              f"scale {scale[0]:.4f}-{scale[1]:.4f})")
    cand, n_band = away_from_ports(slow, ports, scale)
    clock.lap(f"at least 10 km from each of {len(ports):,} ports ({len(cand):,} left; "
              f"{n_band} in the band, measured on the ellipsoid)")
    close, n_band = close_pairs(cand, scale, use_sjoin="--sjoin" in sys.argv)
    clock.lap(f"close pairs of positions ({len(close):,}; {n_band} in the band, "
              f"measured on the ellipsoid)")
    enc, n_traj, n_obs = runs_movingpandas(close)
    clock.lap(f"runs >= 2 h, MovingPandas ({n_traj:,} trajectories of {n_obs:,} "
              f"observations; {len(enc)} encounters)")
    wall, cpu_s = clock.total()
    print(f"movingpandas search: {wall:.2f} s wall {cpu_s:.2f} s CPU; {len(enc)} encounters "
          f"of {enc[['m1', 'm2']].drop_duplicates().shape[0]} pairs; peak RSS "
          f"{peak_rss_mb():.0f} MB")

    w, c = time.perf_counter(), cpu()
    check = runs_pandas(close)
    same = check.sort_values(list(check.columns)).reset_index(drop=True).equals(
        enc.sort_values(list(enc.columns)).reset_index(drop=True))
    print(f"  (the runs with a pandas groupby instead: {time.perf_counter() - w:.2f} s wall "
          f"{cpu() - c:.2f} s CPU, {len(check)} encounters, {'the same' if same else 'DIFFERENT'})")
    enc.sort_values(["m1", "m2", "start_t"]).to_csv(out_csv, index=False)
    if not same:
        sys.exit("the MovingPandas and pandas runs differ")


def peak_rss_mb():
    with open(f"/proc/{os.getpid()}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    main()
