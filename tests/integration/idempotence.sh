#!/usr/bin/env bash
# The same content ingested twice by a sensor (by path, then through stdin) changes
# nothing; another sensor's ingest is separate; a file split in two and ingested in two
# commands gives exactly the single-file result.
source "$(dirname "$0")/lib.bash"

"$GEN" --out "$T/d.pcap" --truth "$T/t.json" --darknet "$DARKNET" --packets 200000 --seed 3 \
  --hours 30
snap() { # everything the views report
  for by in source port country asn; do
    "$OODA" darknet top --by "$by" -n 100000 --json --db "$1"
  done
  "$OODA" darknet summary --json --db "$1" | jq -c 'del(.files, .sensors)'
  "$OODA" darknet series --json --db "$1"
  sqlite3 "$1" "SELECT observer, kind, count, packets, s.first_seen, s.last_seen FROM sightings s
                JOIN indicators i ON i.id = s.indicator_id ORDER BY i.value, kind"
}

"$OODA" ingest --quiet --sensor a --darknet "$DARKNET" --db "$T/one.db" "$T/d.pcap"
snap "$T/one.db" >"$T/one.txt"
"$OODA" ingest --json --quiet --sensor a --darknet "$DARKNET" --db "$T/one.db" "$T/d.pcap" >"$T/again.json"
eq "second ingest status" "$(jq -r '.files[0].status' "$T/again.json")" skipped
"$OODA" ingest --json --quiet --sensor a --darknet "$DARKNET" --db "$T/one.db" - <"$T/d.pcap" >"$T/stdin.json"
eq "stdin ingest status" "$(jq -r '.files[0].status' "$T/stdin.json")" skipped
snap "$T/one.db" >"$T/one-again.txt"
if cmp -s "$T/one.txt" "$T/one-again.txt"; then ok; else fail "re-ingest changed counts"; fi
eq files "$(sqlite3 "$T/one.db" 'SELECT count(*) FROM ingested_files')" 1

# another sensor: its own file record, its packets added
"$OODA" ingest --quiet --sensor b --darknet "$DARKNET" --db "$T/one.db" "$T/d.pcap"
eq "two sensors packets" "$("$OODA" darknet summary --json --db "$T/one.db" | jq .packets)" \
  "$(( 2 * $(jq .packets "$T/t.json") ))"
eq "sensor a alone" "$("$OODA" darknet summary --sensor a --json --db "$T/one.db" | jq .packets)" \
  "$(jq .packets "$T/t.json")"

# split into two files at a record boundary mid-day, ingested by two commands
python3 - "$T/d.pcap" "$T/p1.pcap" "$T/p2.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
hdr, off, recs = data[:24], 24, []
while off < len(data):
    incl = struct.unpack_from('<I', data, off + 8)[0]
    recs.append(data[off:off + 16 + incl]); off += 16 + incl
cut = len(recs) * 2 // 5
open(sys.argv[2], 'wb').write(hdr + b''.join(recs[:cut]))
open(sys.argv[3], 'wb').write(hdr + b''.join(recs[cut:]))
PY
"$OODA" ingest --quiet --sensor a --darknet "$DARKNET" --db "$T/two.db" "$T/p1.pcap"
"$OODA" ingest --quiet --sensor a --darknet "$DARKNET" --db "$T/two.db" "$T/p2.pcap"
snap "$T/two.db" >"$T/two.txt"
if cmp -s "$T/one.txt" "$T/two.txt"; then ok; else
  fail "split ingest differs from single ingest"; diff "$T/one.txt" "$T/two.txt" | head -5 >&2
fi
eq "split packets" "$("$OODA" darknet summary --json --db "$T/two.db" | jq .packets)" "$(jq .packets "$T/t.json")"
finish
