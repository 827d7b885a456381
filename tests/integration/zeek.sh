#!/usr/bin/env bash
# Zeek conn.log and dns.log ingest, TSV and JSON, against tools/gen-eve's ground truth
# (its Zeek mode writes the same hosts and C&C servers as conn and dns records): flows
# and queries counted, header lines not events, bad lines named FILE:LINE with their
# reason and exit 65, every host that queried a C&C name or opened a flow to a C&C
# address listed by ooda hosts with its exact count, and the same files again skipped.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "jq missing"; exit 77; }
GENEVE="$OODA_BUILD/gen-eve"

for form in tsv json; do
  DB="$T/$form.db"
  "$GENEVE" --zeek "$form" --out "$T/conn-$form.log" --dns-out "$T/dns-$form.log" \
    --truth "$T/truth-$form.json" --events 20000 --hosts 600 --infected-rate 0.02 \
    --indicators "$T/c2-$form.txt" --bad 8 --seed 21
  truth="$T/truth-$form.json"
  "$OODA" feed add c2 --format plain --file "$T/c2-$form.txt" --db "$DB" >/dev/null
  "$OODA" feed pull c2 --db "$DB" >/dev/null
  set +e
  "$OODA" ingest --sensor zeek-1 --json --db "$DB" "$T/conn-$form.log" "$T/dns-$form.log" \
    >"$T/out" 2>"$T/err"
  rc=$?
  set -e
  want_format=$([ "$form" = tsv ] && echo zeek || echo zeek-json)
  eq "$form: exit" "$rc" 65
  eq "$form: formats" "$(jq -r '[.files[].format] | join(",")' "$T/out")" "$want_format,$want_format"
  eq "$form: lines" "$(jq '[.files[].lines] | add' "$T/out")" "$(jq .lines "$truth")"
  eq "$form: flows" "$(jq '[.files[].event_types.flow] | add' "$T/out")" "$(jq .by_type.flow "$truth")"
  eq "$form: queries" "$(jq '[.files[].event_types.dns] | add' "$T/out")" "$(jq .by_type.dns "$truth")"
  eq "$form: rejected" "$(jq '[.files[].rejected] | add' "$T/out")" "$(jq .bad "$truth")"
  eq "$form: listed" "$(jq -c '[([.files[].listed."dns-listed"] | add), ([.files[].listed."flow-listed"] | add)]' "$T/out")" \
    "$(jq -c '[.listed.dns, .listed.flow]' "$truth")"
  want=$(jq -r '.bad_lines[]' "$truth" | sed "s|^|$T/conn-$form.log:|" | paste -sd' ')
  got=$(grep -o "^ooda: ingest: $T/conn-$form.log:[0-9]*" "$T/err" | sed 's/^ooda: ingest: //' | paste -sd' ')
  eq "$form: bad lines named" "$got" "$want"
  l=($(jq -r '.bad_lines[]' "$truth"))
  if [ "$form" = tsv ]; then first="not as many fields as the #fields header names"; else first="byte 45: expected a value"; fi
  grep -q "conn-$form.log:${l[0]}: $first" "$T/err" && ok || fail "$form: first bad line's reason"
  grep -q "conn-$form.log:${l[1]}: ts: missing or not a time" "$T/err" && ok || fail "$form: ts reason"
  grep -q "conn-$form.log:${l[2]}: id.orig_h or id.resp_h: missing or not an IP address" "$T/err" && ok || fail "$form: address reason"
  grep -q "conn-$form.log:${l[3]}: id.orig_p or id.resp_p: not a port number" "$T/err" && ok || fail "$form: port reason"
  "$OODA" hosts --prefix 10.0.0.0/8 --json --db "$DB" >"$T/hosts.json"
  eq "$form: hosts and counts" "$(jq -cS '[.[] | {(.ip): ([.evidence[].count] | add)}] | add // {}' "$T/hosts.json")" \
    "$(jq -cS '.infected_hosts' "$truth")"
  eq "$form: sensor" "$(jq -r '[.[].evidence[].sensor] | unique | join(",")' "$T/hosts.json")" zeek-1
  "$OODA" ingest --sensor zeek-1 --json --db "$DB" "$T/conn-$form.log" "$T/dns-$form.log" >"$T/out2" 2>/dev/null || true
  eq "$form: again skipped" "$(jq -r '[.files[].status] | join(",")' "$T/out2")" skipped,skipped
done
finish
