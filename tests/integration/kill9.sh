#!/usr/bin/env bash
# kill -9 during ingest, at several points of the run (decoding, aggregating, writing,
# committing): the database opens, passes PRAGMA integrity_check, and re-running the same
# ingest gives exactly the counts of an uninterrupted run.
source "$(dirname "$0")/lib.bash"

"$GEN" --out "$T/a.pcap" --truth "$T/a.json" --darknet "$DARKNET" --packets 300000 --seed 21
"$GEN" --out "$T/b.pcap" --truth "$T/b.json" --darknet "$DARKNET" --packets 3000000 --seed 22 \
  --start 2026-11-03
view() {
  "$OODA" darknet summary --json --db "$1" | jq -c 'del(.files)'
  "$OODA" darknet top --by source -n 1000 --json --db "$1"
  "$OODA" darknet top --by port -n 1000 --json --db "$1"
  "$OODA" darknet series --json --db "$1"
}
"$OODA" ingest --quiet --sensor k --darknet "$DARKNET" --db "$T/ref.db" "$T/a.pcap" "$T/b.pcap"
view "$T/ref.db" >"$T/ref.txt"

# how long an uninterrupted ingest of b takes, to spread the kills over it
start=$(date +%s%N)
"$OODA" ingest --quiet --sensor k --darknet "$DARKNET" --db "$T/time.db" "$T/b.pcap"
total_ms=$(( ($(date +%s%N) - start) / 1000000 ))

for pct in 5 25 50 70 85 95 99; do
  db="$T/k$pct.db"
  "$OODA" ingest --quiet --sensor k --darknet "$DARKNET" --db "$db" "$T/a.pcap"
  "$OODA" ingest --quiet --sensor k --darknet "$DARKNET" --db "$db" "$T/b.pcap" &
  pid=$!
  sleep "$(awk -v t="$total_ms" -v p="$pct" 'BEGIN { printf "%.3f", t * p / 100000 }')"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if "$OODA" db check --db "$db" >/dev/null; then ok; else fail "kill at $pct%: integrity check"; fi
  # the first file stays committed whatever happened to the second
  eq "kill at $pct%: first file kept" "$(sqlite3 "$db" "SELECT count(*) FROM ingested_files WHERE name LIKE '%/a.pcap'")" 1
  "$OODA" ingest --quiet --sensor k --darknet "$DARKNET" --db "$db" "$T/b.pcap" || true
  view "$db" >"$T/k$pct.txt"
  if cmp -s "$T/ref.txt" "$T/k$pct.txt"; then ok; else fail "kill at $pct%: counts differ after re-run"; fi
done
finish
