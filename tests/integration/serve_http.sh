#!/usr/bin/env bash
# `ooda serve --http` end to end with real libcurl clients (curl and `ooda check-url`):
# tokens (401 without, discovery open), GET and POST lookups with exact verdicts, TLP
# redaction by the token's clearance, the 10,000-item cap, and the hash-prefix API:
# a full update, a partial update after a feed pull while the server runs, full-hash
# requests only on a prefix hit.
source "$(dirname "$0")/lib.bash"
command -v curl >/dev/null || { echo "curl missing"; exit 77; }
command -v jq >/dev/null || { echo "jq missing"; exit 77; }

DB="$T/serve.db"
export OODA_DB="$DB"
printf 'evil.example\nhttp://bad.example/path/x.html\n45.33.32.156\n' >"$T/green.txt"
printf 'amber.example\n' >"$T/amber.txt"
"$OODA" feed add g --format plain --file "$T/green.txt" --tlp green --org cert --grace 0 >/dev/null
"$OODA" feed add a --format plain --file "$T/amber.txt" --tlp amber --org isac >/dev/null
"$OODA" feed pull >/dev/null
TOK=$("$OODA" token add isp1 --clearance green 2>/dev/null)
TOK_A=$("$OODA" token add soc --clearance amber 2>/dev/null)
eq "token shape" "$(echo "$TOK" | grep -cE '^ooda_[A-Za-z0-9_-]{43}$')" 1
# only the hash is stored
eq "token not in db" "$(grep -c "$TOK" "$DB" || true)" 0
eq "token list" "$("$OODA" token list --json | jq -c '[.[] | [.name, .clearance]]')" \
  '[["isp1","green"],["soc","amber"]]'

: >"$T/serve.err"
"$OODA" serve --http 127.0.0.1:0 --poll 0.1 2>"$T/serve.err" &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 100); do grep -q "ready" "$T/serve.err" && break; sleep 0.1; done
PORT=$(sed -n 's/.*http on 127.0.0.1:\([0-9]*\).*/\1/p' "$T/serve.err")
[ -n "$PORT" ] || { cat "$T/serve.err"; fail "server did not start"; finish; exit 1; }
U="http://127.0.0.1:$PORT"
get() { curl -s -H "Authorization: Bearer $1" "$U$2"; }
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

eq "discovery without token" "$(status "$U/api/v1/")" 200
eq "lookup without token" "$(status "$U/api/v1/lookup?q=evil.example")" 401
eq "lookup bad token" "$(status -H "Authorization: Bearer ooda_nope" "$U/api/v1/lookup?q=evil.example")" 401
eq "unknown path" "$(status -H "Authorization: Bearer $TOK" "$U/api/v1/nothing")" 404

eq "listed domain" "$(get "$TOK" "/api/v1/lookup?q=evil.example" | jq -c '[.listed,.type,.indicator.value,.indicator.tlp,.indicator.sources]')" \
  '[true,"domain","evil.example","green",["cert/g"]]'
eq "subdomain" "$(get "$TOK" "/api/v1/lookup?q=WWW.Evil.Example." | jq -c '[.listed,.canonical,.indicator.value]')" \
  '[true,"www.evil.example","evil.example"]'
eq "unlisted" "$(get "$TOK" "/api/v1/lookup?q=good.example" | jq -c '[.listed,.indicator]')" '[false,null]'
eq "url on listed host" "$(get "$TOK" "/api/v1/lookup?q=http%3A%2F%2Fevil.example%2Fany" | jq -c '[.listed,.type,.indicator.type]')" \
  '[true,"url","domain"]'
eq "listed url" "$(get "$TOK" "/api/v1/lookup?q=http%3A%2F%2Fbad.example%2Fpath%2Fx.html%3Fq%3D1" | jq -c '[.listed,.indicator.value]')" \
  '[true,"bad.example/path/x.html"]'
eq "other url same host" "$(get "$TOK" "/api/v1/lookup?q=http%3A%2F%2Fbad.example%2Fother" | jq -c .listed)" false
eq "ip" "$(get "$TOK" "/api/v1/lookup?q=45.33.32.156" | jq -c '[.listed,.type]')" '[true,"ipv4"]'
eq "bad query" "$(status -H "Authorization: Bearer $TOK" "$U/api/v1/lookup?q=not%20a%20thing")" 400
# TLP: a green token gets the verdict of an amber indicator, not its details
eq "amber to green" "$(get "$TOK" "/api/v1/lookup?q=amber.example" | jq -c '[.listed,.indicator.tlp,.indicator.redacted,.indicator.value]')" \
  '[true,"amber",true,null]'
eq "amber to amber" "$(get "$TOK_A" "/api/v1/lookup?q=amber.example" | jq -c '[.listed,.indicator.value,.indicator.sources]')" \
  '[true,"amber.example",["isac/a"]]'

post() { curl -s -H "Authorization: Bearer $TOK" -H 'Content-Type: application/json' --data-binary @"$1" "$U/api/v1/lookup"; }
echo '{"q":["evil.example","good.example","45.33.32.156",7]}' >"$T/batch.json"
eq "post batch" "$(post "$T/batch.json" | jq -c '[.count, [.results[] | (if has("error") then .error else .listed end)]]')" \
  '[4,[true,false,true,"items must be strings"]]'
python3 -c 'import json; print(json.dumps({"q": ["x%d.example" % i for i in range(10001)]}))' >"$T/big.json"
eq "post over cap" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" --data-binary @"$T/big.json" "$U/api/v1/lookup")" 413
python3 -c 'import json; print(json.dumps(["x%d.example" % i for i in range(10000)]))' >"$T/max.json"
eq "post at cap" "$(post "$T/max.json" | jq -c '[.count, ([.results[] | select(.listed)] | length)]')" '[10000,0]'

# ---- hash prefixes ---------------------------------------------------------------------
SF="$T/prefixes"
cu() { "$OODA" check-url "$1" --server "$U" --token "$TOK" --state-file "$SF" --json; }
eq "hashes need a token" "$(status "$U/api/v1/hashes/prefixes")" 401
eq "check listed url" "$(cu 'http://www.evil.example/a/b?c=d' | jq -c '[.listed,.expression,.update,.full_hash_requests]')" \
  '[true,"evil.example/","FULL_UPDATE",1]'
# 4 expressions of 2 listed domains, 1 URL, 1 IPv4
eq "prefixes held" "$(cu 'http://good.example/' | jq -c '[.listed,.prefixes,.full_hash_requests,.update]')" \
  '[false,4,0,"PARTIAL_UPDATE"]'
eq "check listed exact url" "$(cu 'HTTP://bad.example/path/./x.html' | jq -c '[.listed,.expression]')" \
  '[true,"bad.example/path/x.html"]'
STATE=$(cu 'http://good.example/' | jq -r .state)
printf 'evil.example\n45.33.32.156\nhttp://new.example/dl.exe\n' >"$T/green.txt"
"$OODA" feed pull g >/dev/null
for _ in $(seq 50); do
  NS=$(cu 'http://good.example/' | jq -r .state)
  [ "$NS" != "$STATE" ] && break
  sleep 0.1
done
eq "partial update" "$(cu 'http://new.example/dl.exe' | jq -c '[.listed,.update,.prefixes]')" \
  '[true,"PARTIAL_UPDATE",4]'
eq "removed url" "$(cu 'http://bad.example/path/x.html' | jq -c .listed)" false
eq "server alive" "$(status "$U/api/v1/")" 200
kill -TERM $PID
wait $PID
eq "clean exit" "$?" 0
finish
