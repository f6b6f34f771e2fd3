#!/usr/bin/env bash
# The encounter search in PostGIS on the same day of positions as the interdict engine,
# and a comparison of the encounters found. Needs PostgreSQL 15 with PostGIS 3
# (Debian: postgresql-15-postgis-3) at 127.0.0.1:5432, user postgres (trust).
#
#   bench/maritime/postgis.sh [VESSELS] [POSITIONS]     (default 2000 1000000)
set -euo pipefail
cd "$(dirname "$0")"
VESSELS=${1:-2000}
POSITIONS=${2:-1000000}
OUT=${OUT:-/tmp/interdict-maritime-bench}
mkdir -p "$OUT"
ROOT=$(git rev-parse --show-toplevel)
PSQL=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q)

# shellcheck source=day.sh
source "$ROOT/bench/maritime/day.sh"

echo "== PostGIS"
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS maritime_bench" -c "CREATE DATABASE maritime_bench"
"${PSQL[@]}" -d maritime_bench <<SQL
CREATE EXTENSION postgis;
CREATE TABLE pos (mmsi int, t int, lat float8, lon float8, sog real);
\copy pos FROM '$OUT/positions.csv' CSV HEADER
ALTER TABLE pos ADD COLUMN geog geography(Point, 4326);
UPDATE pos SET geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography;
CREATE TABLE ports (iso3 text, label text, lat float8, lon float8);
\copy ports FROM '$OUT/ports.csv' CSV HEADER
ALTER TABLE ports ADD COLUMN geog geography(Point, 4326);
UPDATE ports SET geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography;
CREATE INDEX ports_geog ON ports USING gist (geog);
ANALYZE pos; ANALYZE ports;
SQL
(cd "$OUT" && /usr/bin/time -f "postgis search: %e s wall" "${PSQL[@]}" -d maritime_bench -f "$ROOT/bench/maritime/postgis.sql") 2>&1 | tee "$OUT/postgis.txt"

echo "== agreement"
python3 "$ROOT/bench/maritime/compare.py" "$OUT/interdict_encounters.jsonl" "$OUT/postgis_encounters.csv"
