#!/usr/bin/env bash
# Speed of correlation at scale:
#  1. `interdict resolve` on about a million rows of the multi-script generator
#     (420,000 entities), wall time and peak memory (GNU time);
#  2. the index: N subjects indexed (default 10,000,000), then reports of 20
#     identifiers and 5 names, p50/p95/p99 latency.
#
# usage: bench/er/perf.sh [SUBJECTS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${OUT:-$root/target/bench-er}
subjects=${1:-10000000}
mkdir -p "$out"
(cd "$root" && CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1} cargo build --release -q -p interdict-correlate-cmd --example resolve --example index_bench)
bin="${CARGO_TARGET_DIR:-$root/target}/release/examples"
if [ ! -f "$out/perf_1m.csv" ]; then
    python3 "$here/gen_multiscript.py" --entities 420000 --seed 7 "$out/perf_1m.csv" "$out/perf_1m.truth.csv"
fi
echo "== interdict resolve on $(($(wc -l < "$out/perf_1m.csv") - 1)) rows, $(nproc) threads"
/usr/bin/time -f "wall %e s, peak memory %M KB" "$bin/resolve" --input "$out/perf_1m.csv" --out "$out/perf_1m.interdict.csv" --verbose
python3 "$here/metrics.py" "$out/perf_1m.truth.csv" "$out/perf_1m.interdict.csv"
echo "== index of $subjects subjects"
/usr/bin/time -f "wall %e s, peak memory %M KB" "$bin/index_bench" --subjects "$subjects" --queries 2000
