#!/usr/bin/env bash
# Accuracy of `interdict resolve` and of Splink (DuckDB backend) on the labelled
# sets, side by side in one run: pairwise precision, recall and F1 of the
# clusters, and wall time.
#
# usage: bench/er/compare.sh [SET ...]     (default: all four sets)
#   sets: fake_1000 historical_50k senzing multiscript
# env:  VENV   Python venv with splink, duckdb, pyarrow, pandas
#              (default /work/wt/venv-correlate; created with
#               python3 -m venv $VENV && $VENV/bin/pip install splink duckdb pyarrow pandas)
#       DATA   shared/data/er (default: ../shared/data/er beside the repository)
#       OUT    working directory (default target/bench-er)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${VENV:-/work/wt/venv-correlate}
data=${DATA:-$root/../shared/data/er}
out=${OUT:-$root/target/bench-er}
py=$venv/bin/python
sets=("$@")
[ ${#sets[@]} -eq 0 ] && sets=(fake_1000 historical_50k senzing multiscript)

mkdir -p "$out"
(cd "$root" && CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1} cargo build --release -q -p interdict-correlate-cmd --example resolve)
ours="${CARGO_TARGET_DIR:-$root/target}/release/examples/resolve"
"$py" "$here/prepare_sets.py" "$data" "$out"

printf '%-15s %-18s %9s %9s %9s %9s\n' set tool precision recall F1 seconds
for set in "${sets[@]}"; do
    input="$out/$set.csv"
    truth="$out/$set.truth.csv"
    start=$(date +%s.%N)
    "$ours" --input "$input" --out "$out/$set.interdict.csv" --threads "$(nproc)" 2>/dev/null
    t=$(echo "$(date +%s.%N) - $start" | bc)
    read -r p r f <<<"$(python3 "$here/metrics.py" "$truth" "$out/$set.interdict.csv" | awk '{print $2, $4, $6}')"
    printf '%-15s %-18s %9s %9s %9s %9.1f\n' "$set" "interdict resolve" "$p" "$r" "$f" "$t"
    for threshold in 0.95 0.5; do
        start=$(date +%s.%N)
        "$py" "$here/splink_run.py" "$set" "$input" "$out/$set.splink-$threshold.csv" --threshold "$threshold" >"$out/$set.splink.log" 2>&1
        t=$(echo "$(date +%s.%N) - $start" | bc)
        read -r p r f <<<"$(python3 "$here/metrics.py" "$truth" "$out/$set.splink-$threshold.csv" | awk '{print $2, $4, $6}')"
        printf '%-15s %-18s %9s %9s %9s %9.1f\n' "$set" "splink (p>=$threshold)" "$p" "$r" "$f" "$t"
    done
done
