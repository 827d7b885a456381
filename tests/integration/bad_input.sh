#!/usr/bin/env bash
# Bad capture files: a one-line error naming the file and byte offset, exit 65, nothing
# of that file committed, and the good files before and after it in the same command
# ingested.
source "$(dirname "$0")/lib.bash"

"$GEN" --out "$T/good1.pcap" --truth "$T/g1.json" --darknet "$DARKNET" --packets 20000 --seed 1
"$GEN" --out "$T/good2.pcap" --truth "$T/g2.json" --darknet "$DARKNET" --packets 20000 --seed 2 \
  --start 2026-11-05
"$GEN" --out "$T/src.pcap" --truth "$T/src.json" --darknet "$DARKNET" --packets 5000 --seed 9 \
  --start 2026-11-07
want=$(( $(jq .packets "$T/g1.json") + $(jq .packets "$T/g2.json") ))

python3 - "$T" <<'PY'
import struct, sys, os
d = sys.argv[1]
src = open(os.path.join(d, 'src.pcap'), 'rb').read()
def put(name, data): open(os.path.join(d, name), 'wb').write(data)
# record offsets
offs, off = [], 24
while off < len(src):
    offs.append(off); off += 16 + struct.unpack_from('<I', src, off + 8)[0]
mid = offs[len(offs) // 2]
put('truncated.pcap', src[:-7])                        # cut inside the last record
put('trunc-header.pcap', src[:13])                     # inside the file header
b = bytearray(src); struct.pack_into('<I', b, mid + 8, 0x7fffff00); put('badlen.pcap', bytes(b))
b = bytearray(src); struct.pack_into('<I', b, 16, 64)   # snaplen 64, records are larger
put('snaplen.pcap', bytes(b))
b = bytearray(src); struct.pack_into('<I', b, 20, 147); put('linktype.pcap', bytes(b))
put('text.pcap', b'this is not a capture file\n' * 10)
put('empty.pcap', b'')
PY

for bad in truncated trunc-header badlen snaplen linktype text empty; do
  db="$T/$bad.db"
  set +e
  "$OODA" ingest --quiet --sensor s --darknet "$DARKNET" --db "$db" \
    "$T/good1.pcap" "$T/$bad.pcap" "$T/good2.pcap" 2>"$T/err.txt"
  rc=$?
  set -e
  eq "$bad exit" "$rc" 65
  eq "$bad error lines" "$(wc -l <"$T/err.txt")" 1
  if grep -q "$T/$bad.pcap: offset [0-9]*: " "$T/err.txt"; then ok; else
    fail "$bad: error lacks file and offset: $(cat "$T/err.txt")"; fi
  eq "$bad good files kept" "$("$OODA" darknet summary --json --db "$db" | jq .packets)" "$want"
  eq "$bad nothing of it committed" "$(sqlite3 "$db" \
    "SELECT count(*) FROM dk_source_day WHERE day = $(( $(jq .start "$T/src.json") / 86400 ))")" 0
  eq "$bad files recorded" "$(sqlite3 "$db" 'SELECT count(*) FROM ingested_files')" 2
done
grep -h . "$T/err.txt" >/dev/null

# a missing file: exit 66 (no input), the others still ingested
set +e
"$OODA" ingest --quiet --sensor s --db "$T/m.db" "$T/nope.pcap" "$T/good1.pcap" 2>"$T/err.txt"
rc=$?
set -e
eq "missing exit" "$rc" 66
eq "missing: good file kept" "$(sqlite3 "$T/m.db" 'SELECT count(*) FROM ingested_files')" 1
# a pcapng packet stamped in the year ~3000 is counted as bad; the others are ingested
python3 - "$T/future.pcapng" <<'PY'
import struct, sys
def blk(t, body):
    body += b'\0' * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack('<II', t, n) + body + struct.pack('<I', n)
def ip4(src, dst):  # UDP probe to port 53, raw IPv4
    udp = struct.pack('!HHHH', 40000, 53, 8, 0)
    return struct.pack('!BBHHHBBH4s4s', 0x45, 0, 28, 0, 0, 64, 17, 0, bytes(src), bytes(dst)) + udp
def epb(ts_us, pkt):
    return blk(6, struct.pack('<IIIII', 0, ts_us >> 32, ts_us & 0xffffffff, len(pkt), len(pkt)) + pkt)
out = blk(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1))
out += blk(1, struct.pack('<HHI', 101, 0, 0))
out += epb(1762041600 * 10**6, ip4([1, 2, 3, 4], [198, 51, 0, 1]))
out += epb(32503680000 * 10**6, ip4([1, 2, 3, 5], [198, 51, 0, 2]))  # 3000-01-01
out += epb(1762041660 * 10**6, ip4([1, 2, 3, 4], [198, 51, 0, 3]))
open(sys.argv[1], 'wb').write(out)
PY
"$OODA" ingest --quiet --json --sensor s --db "$T/f.db" "$T/future.pcapng" >"$T/f.json"
eq "future: bad" "$(jq '.files[0].bad' "$T/f.json")" 1
eq "future: packets" "$("$OODA" darknet summary --json --db "$T/f.db" | jq -c '[.packets, .sources]')" "[2,1]"
finish
