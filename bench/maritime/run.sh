#!/usr/bin/env bash
# Detector throughput on one core and resident memory: a day of AIS from 20,000 vessels,
# ten million positions, through every detector.
#
#   bench/maritime/run.sh [VESSELS] [POSITIONS]      (default 20000 10000000)
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
cargo bench -p interdict-maritime --bench detectors -- --vessels "${1:-20000}" --positions "${2:-10000000}"
