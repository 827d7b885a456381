#!/usr/bin/env bash
# Live capture through libpcap on the loopback interface: UDP probes sent to 127.0.0.1
# are classified and stored. Needs capture rights (root or CAP_NET_RAW); skipped else.
source "$(dirname "$0")/lib.bash"

if ! "$OODA" ingest --sensor probe --db "$T/p.db" --live lo --count 1 --duration 1 \
  --bpf 'udp port 1' 2>"$T/perm.txt"; then
  if grep -qi "permission\|operation not permitted" "$T/perm.txt"; then
    echo "skipped: no capture permission"; exit 77
  fi
fi
"$OODA" ingest --quiet --json --sensor live --darknet 127.0.0.0/8 --db "$T/l.db" --live lo \
  --bpf 'udp and dst port 47000' --count 50 --duration 20 >"$T/live.json" &
pid=$!
sleep 1.5
python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(50):
    s.sendto(b'probe', ('127.0.0.%d' % (2 + i % 25), 47000))
PY
wait "$pid"
eq "live frames" "$(jq .live.frames "$T/live.json")" 50
s=$("$OODA" darknet summary --json --db "$T/l.db")
eq "live udp" "$(echo "$s" | jq .classes.udp)" 50
eq "live sources" "$(echo "$s" | jq .sources)" 1
eq "live port" "$("$OODA" darknet top --by port --json --db "$T/l.db" | jq -c '.entries[0] | [.port, .class]')" '[47000,"udp"]'
finish
