# Sourced by postgis.sh and movingpandas.sh: builds the detectors benchmark, writes the
# day of VESSELS and POSITIONS to $OUT/positions.csv with the shipped ports beside it,
# and runs the engine (every detector) on it, its encounters in
# $OUT/interdict_encounters.jsonl. Needs ROOT, OUT, VESSELS and POSITIONS set.
BENCH=$(cd "$ROOT" && cargo bench -p interdict-maritime --bench detectors --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import sys,json
for l in sys.stdin:
    m=json.loads(l)
    if m.get("reason")=="compiler-artifact" and m.get("target",{}).get("name")=="detectors" and m.get("executable"): print(m["executable"])')

echo "== data: $VESSELS vessels, $POSITIONS positions"
"$BENCH" --vessels "$VESSELS" --positions "$POSITIONS" --dump "$OUT/positions.csv"
zcat "$ROOT/crates/maritime/data/ports.csv.gz" > "$OUT/ports.csv"

echo "== interdict engine (every detector)"
"$BENCH" --vessels "$VESSELS" --positions "$POSITIONS" --events "$OUT/interdict_encounters.jsonl" | tee "$OUT/interdict.txt"
