#!/usr/bin/env bash
# The encounter search in GeoPandas and MovingPandas on the same day of positions as the
# interdict engine, and a comparison of the encounters found. Needs Python 3.11 with venv
# and pip; the packages (requirements-movingpandas.txt, pinned) are installed from PyPI
# into a virtual environment ($VENV) when it is missing or the list has changed.
#
#   bench/maritime/movingpandas.sh [VESSELS] [POSITIONS] [--sjoin]    (default 2000 1000000)
#
# --sjoin: the close pairs with geopandas.sjoin rather than the spatial index's query.
set -euo pipefail
cd "$(dirname "$0")"
VESSELS=${1:-2000}
POSITIONS=${2:-1000000}
OUT=${OUT:-/tmp/interdict-maritime-bench-movingpandas}
VENV=${VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/interdict/venv-movingpandas}
PYTHON=${PYTHON:-python3}
mkdir -p "$OUT"
ROOT=$(git rev-parse --show-toplevel)
REQ="$ROOT/bench/maritime/requirements-movingpandas.txt"

if ! cmp -s "$REQ" "$VENV/requirements-movingpandas.txt"; then
  echo "== Python environment: $VENV"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -r "$REQ"
  cp "$REQ" "$VENV/requirements-movingpandas.txt"
fi

# shellcheck source=day.sh
source "$ROOT/bench/maritime/day.sh"

echo "== GeoPandas + MovingPandas (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/time -f "whole process (start, imports, reading, search, writing): %e s wall, %M KB peak RSS" \
  "$VENV/bin/python" "$ROOT/bench/maritime/movingpandas.py" \
  "$OUT/positions.csv" "$OUT/ports.csv" "$OUT/movingpandas_encounters.csv" "${@:3}" 2>&1 \
  | tee "$OUT/movingpandas.txt"

echo "== agreement"
python3 "$ROOT/bench/maritime/compare.py" "$OUT/interdict_encounters.jsonl" \
  "$OUT/movingpandas_encounters.csv" MovingPandas
