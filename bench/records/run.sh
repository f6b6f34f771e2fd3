#!/usr/bin/env bash
# Loads N reports (default 1,000,000) into a fresh SQLite file and, when a server
# answers, a fresh PostgreSQL database, and measures import throughput and the
# latency of listing and search as a partner user and as an own-agency-only user.
#
#   bench/records/run.sh [N]
#
# Environment:
#   INTERDICT_BENCH_DIR      where the SQLite file and results go (default target/bench-records)
#   INTERDICT_BENCH_PG_URL   PostgreSQL database to drop and recreate
#                            (default postgres://postgres@127.0.0.1:5432/interdict_bench)
#   INTERDICT_BENCH_QUERIES  runs per scenario (default 200)
#   INTERDICT_BENCH_BATCH    reports per import transaction (default 1000)
set -euo pipefail

records="${1:-1000000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${INTERDICT_BENCH_DIR:-$root/target/bench-records}"
pg_url="${INTERDICT_BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/interdict_bench}"
queries="${INTERDICT_BENCH_QUERIES:-200}"
batch="${INTERDICT_BENCH_BATCH:-1000}"
target="${CARGO_TARGET_DIR:-$root/target}"

cd "$root"
cargo build --release -p interdict-bench
bin="$target/release/interdict-bench"
mkdir -p "$dir"
rm -f "$dir/sqlite-$records.txt" "$dir/postgres-$records.txt"

"$bin" --database-url "sqlite://$dir/interdict.db" --records "$records" \
    --batch "$batch" --queries "$queries" --out "$dir/sqlite-$records.json" | tee "$dir/sqlite-$records.txt"

# PostgreSQL only when a server answers.
pg_host="$(sed -E 's#^[a-z]+://([^@/]*@)?([^:/]+).*#\2#' <<<"$pg_url")"
pg_port="$(sed -nE 's#^[a-z]+://([^@/]*@)?[^:/]+:([0-9]+).*#\2#p' <<<"$pg_url")"
if (exec 3<>"/dev/tcp/$pg_host/${pg_port:-5432}") 2>/dev/null; then
    "$bin" --database-url "$pg_url" --records "$records" \
        --batch "$batch" --queries "$queries" --out "$dir/postgres-$records.json" | tee "$dir/postgres-$records.txt"
else
    echo "PostgreSQL at $pg_host:${pg_port:-5432} does not answer; skipped" >&2
fi

echo
cat "$dir/sqlite-$records.txt"
if [ -f "$dir/postgres-$records.txt" ]; then
    cat "$dir/postgres-$records.txt"
fi
