#!/usr/bin/env bash
# CEF over syslog against tools/gen-eve's ground truth (its CEF mode): RFC 5424 and RFC
# 3164 headers (time from the header or from rt), alerts counted and stored per source
# and signature, signature names with an escaped pipe, bad lines named FILE:LINE with
# their reason and exit 65, hosts whose alert names a listed C&C address, host or URL
# listed by ooda hosts with exact counts, and the same file again skipped.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "jq missing"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 missing"; exit 77; }
DB="$T/cef.db"
"$OODA_BUILD/gen-eve" --cef yes --out "$T/cef.log" --truth "$T/truth.json" --events 20000 \
  --hosts 600 --infected-rate 0.02 --indicators "$T/c2.txt" --bad 8 --seed 31
"$OODA" feed add c2 --format plain --file "$T/c2.txt" --db "$DB" >/dev/null
"$OODA" feed pull c2 --db "$DB" >/dev/null
set +e
"$OODA" ingest --sensor fw-1 --json --db "$DB" "$T/cef.log" >"$T/out" 2>"$T/err"
rc=$?
set -e
f='.files[0]'
eq "exit" "$rc" 65
eq "format" "$(jq -r "$f.format" "$T/out")" cef
eq "counts" "$(jq -c "$f | [.lines, .events, .rejected, .event_types.alert]" "$T/out")" \
  "$(jq -c '[.lines, .events, .bad, .by_type.alert]' "$T/truth.json")"
eq "listed" "$(jq -c "$f.listed | [.\"flow-listed\", .\"http-listed\"]" "$T/out")" "$(jq -c '[.listed.flow, .listed.http]' "$T/truth.json")"
want=$(jq -r '.bad_lines[]' "$T/truth.json" | sed "s|^|$T/cef.log:|" | paste -sd' ')
got=$(grep -o "^ooda: ingest: $T/cef.log:[0-9]*" "$T/err" | sed 's/^ooda: ingest: //' | paste -sd' ')
eq "bad lines named" "$got" "$want"
l=($(jq -r '.bad_lines[]' "$T/truth.json"))
grep -q "cef.log:${l[0]}: CEF header: fewer than 7 fields" "$T/err" && ok || fail "header reason"
grep -q "cef.log:${l[1]}: src: missing or not an IP address" "$T/err" && ok || fail "no src reason"
grep -q "cef.log:${l[2]}: src: missing or not an IP address" "$T/err" && ok || fail "bad src reason"
grep -q "cef.log:${l[3]}: no time: rt, or an RFC 5424 syslog time" "$T/err" && ok || fail "no time reason"
eq "alerts stored" "$(sqlite3 "$DB" "SELECT sum(count) FROM ev_alert_day")" "$(jq .events "$T/truth.json")"
eq "signatures" "$(sqlite3 "$DB" "SELECT group_concat(signature, ';') FROM (SELECT signature FROM signatures ORDER BY signature)")" \
  'Brute force login\|SSH;Malware C2 beacon;Policy violation;Port scan detected;Suspicious DNS tunnel'
eq "hour rows" "$(sqlite3 "$DB" "SELECT sum(events) FROM ev_hour WHERE kind = 'alert'")" "$(jq .events "$T/truth.json")"
"$OODA" hosts --prefix 10.0.0.0/8 --json --db "$DB" >"$T/hosts.json"
eq "hosts and counts" "$(jq -cS '[.[] | {(.ip): ([.evidence[].count] | add)}] | add // {}' "$T/hosts.json")" \
  "$(jq -cS '.infected_hosts' "$T/truth.json")"
"$OODA" ingest --sensor fw-1 --json --db "$DB" "$T/cef.log" >"$T/out2" 2>/dev/null || true
eq "again skipped" "$(jq -r "$f.status" "$T/out2")" skipped
finish
