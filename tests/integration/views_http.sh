#!/usr/bin/env bash
# The orient views of `ooda serve --http` with curl (docs/api.md): the situation picture,
# likely infected hosts and alerts of a window, against gen-darknet and gen-eve ground
# truth; 401 without a token, 403 for a clearance below TLP:AMBER, 400 for a malformed
# scope or window; the discovery document lists them.
source "$(dirname "$0")/lib.bash"
command -v curl >/dev/null || { echo "curl missing"; exit 77; }
command -v jq >/dev/null || { echo "jq missing"; exit 77; }
DB="$T/v.db"
export OODA_DB="$DB"
"$GEN" --out "$T/d.pcap" --truth "$T/d.json" --darknet "$DARKNET" --packets 100000 --seed 12
"$OODA_BUILD/gen-eve" --out "$T/eve.json" --truth "$T/eve-truth.json" --events 10000 --hosts 400 \
  --infected-rate 0.03 --indicators "$T/c2.txt" --seed 12
"$OODA" feed add c2 --format plain --file "$T/c2.txt" >/dev/null
"$OODA" feed pull c2 >/dev/null
"$OODA" ingest --quiet --sensor tele-1 --darknet "$DARKNET" "$T/d.pcap"
"$OODA" ingest --quiet --sensor ids-1 "$T/eve.json"
TOK_G=$("$OODA" token add isp --clearance green 2>/dev/null)
TOK_A=$("$OODA" token add soc --clearance amber 2>/dev/null)

"$OODA" serve --http 127.0.0.1:0 --poll 0.1 2>"$T/serve.err" &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 100); do grep -q "ready" "$T/serve.err" && break; sleep 0.1; done
PORT=$(sed -n 's/.*http on 127.0.0.1:\([0-9]*\).*/\1/p' "$T/serve.err")
[ -n "$PORT" ] || { cat "$T/serve.err"; fail "server did not start"; finish; exit 1; }
U="http://127.0.0.1:$PORT"
get() { curl -s -H "Authorization: Bearer $TOK_A" "$U$1"; }
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
W="since=2026-11-01&until=2026-11-04"

eq "discovery" "$(curl -s "$U/api/v1/" | jq -c '[.endpoints[] | select(test("picture|hosts|alerts"))]')" \
  '["GET /api/v1/picture","GET /api/v1/hosts","GET /api/v1/alerts"]'
eq "no token" "$(status "$U/api/v1/picture?$W")" 401
eq "green token" "$(status -H "Authorization: Bearer $TOK_G" "$U/api/v1/picture?$W")" 403
eq "picture" "$(get "/api/v1/picture?$W" | jq -c '.darknet | [.packets, .scanners, .backscatter_victims]')" \
  "$(jq -c '[.packets, .scanners, .backscatter_victims]' "$T/d.json")"
eq "picture = report" "$(get "/api/v1/picture?$W" | jq -cS 'del(.top_asns[].name)')" \
  "$("$OODA" report --since 2026-11-01 --until 2026-11-04 --format json | jq -cS 'del(.top_asns[].name)')"
eq "hosts" "$(get "/api/v1/hosts?prefix=10.0.0.0/8&$W" | jq -cS '[.[] | {(.ip): ([.evidence[].count] | add)}] | add // {}')" \
  "$(jq -cS .infected_hosts "$T/eve-truth.json")"
top=$(jq -r '.top_sources[0].ip' "$T/d.json")
eq "host by /32" "$(get "/api/v1/hosts?prefix=$top/32&$W" | jq -c '[.[] | .ip, .evidence[0].kind, .evidence[0].count]')" \
  "$(jq -c "[\"$top\", \"darknet-scan\", .top_sources[0].packets]" "$T/d.json")"
eq "alerts (one day: no baseline)" "$(get "/api/v1/alerts?$W")" "[]"
eq "bad scope" "$(status -H "Authorization: Bearer $TOK_A" "$U/api/v1/hosts?asn=x")" 400
eq "bad window" "$(status -H "Authorization: Bearer $TOK_A" "$U/api/v1/picture?since=2026-11-04&until=2026-11-01")" 400
finish
