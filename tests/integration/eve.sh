#!/usr/bin/env bash
# Suricata EVE ingest end to end with the real binary, against tools/gen-eve's ground
# truth: events per type, bad lines named FILE:LINE with their reason and exit 65 (the
# good lines committed), evidence of every infected host (the generator's C&C list
# pulled as a feed) with its exact event count, alert and hour rows summing to the
# truth, the same file again skipped, the same content on stdin skipped too, a second
# sensor's copy through stdin with the same counts, a line over 1 MiB rejected, and
# Suricata event types ooda does not use counted as skipped.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "jq missing"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 missing"; exit 77; }
GENEVE="$OODA_BUILD/gen-eve"
DB="$T/eve.db"
sql() { sqlite3 "$DB" "$1"; }

"$GENEVE" --out "$T/eve.json" --truth "$T/truth.json" --events 30000 --hosts 800 \
  --infected-rate 0.02 --indicators "$T/c2.txt" --bad 10 --seed 11
"$OODA" feed add c2 --format plain --file "$T/c2.txt" --db "$DB" >/dev/null
"$OODA" feed pull c2 --db "$DB" >/dev/null

set +e
"$OODA" ingest --sensor ids-1 --json --db "$DB" "$T/eve.json" >"$T/out" 2>"$T/err"
rc=$?
set -e
eq "exit with rejected lines" "$rc" 65
f='.files[0]'
eq "format" "$(jq -r "$f.format" "$T/out")" eve
eq "status" "$(jq -r "$f.status" "$T/out")" ingested
eq "lines" "$(jq "$f.lines" "$T/out")" "$(jq .lines "$T/truth.json")"
eq "events" "$(jq "$f.events" "$T/out")" "$(jq .events "$T/truth.json")"
eq "rejected" "$(jq "$f.rejected" "$T/out")" "$(jq .bad "$T/truth.json")"
eq "event types" "$(jq -c "$f.event_types" "$T/out")" "$(jq -c .by_type "$T/truth.json")"
eq "listed by kind" \
  "$(jq -c "$f.listed | [.\"dns-listed\", .\"flow-listed\", .\"http-listed\", .\"tls-listed\"]" "$T/out")" \
  "$(jq -c '.listed | [.dns, .flow, .http, .tls]' "$T/truth.json")"

# every bad line named, in order, with the reason of its kind
want=$(jq -r '.bad_lines[]' "$T/truth.json" | sed "s|^|$T/eve.json:|" | paste -sd' ')
got=$(grep -o "^ooda: ingest: $T/eve.json:[0-9]*" "$T/err" | sed 's/^ooda: ingest: //' | paste -sd' ')
eq "bad lines named" "$got" "$want"
l=($(jq -r '.bad_lines[]' "$T/truth.json"))
grep -q "eve.json:${l[0]}: byte 77: expected a value" "$T/err" && ok || fail "truncated line reason"
grep -q "eve.json:${l[1]}: src_port or dest_port: not a port number" "$T/err" && ok || fail "wrong type reason"
grep -q "eve.json:${l[2]}: unknown event_type 'bogus'" "$T/err" && ok || fail "unknown type reason"
grep -q "eve.json:${l[3]}: byte 104: invalid UTF-8" "$T/err" && ok || fail "UTF-8 reason"
grep -q "eve.json:${l[4]}: byte 1: not a JSON object" "$T/err" && ok || fail "not JSON reason"

# infected hosts: exactly the generator's, each with its number of C&C events
eq "infected hosts" "$(sql "SELECT count(DISTINCT ip) FROM evidence")" "$(jq .infected "$T/truth.json")"
want=$(jq -r '.infected_hosts | to_entries[] | "\(.key):\(.value)"' "$T/truth.json" | sort | paste -sd' ')
[ -n "$want" ] && ok || fail "the generator made no infected host"
# hex(ip) keeps the blob intact through the shell: dotted quads rebuilt from it
got=$(sql "SELECT hex(ip) || ':' || sum(count) FROM evidence GROUP BY ip" | while IFS=: read -r h n; do
  printf '%d.%d.%d.%d:%s\n' "0x${h:24:2}" "0x${h:26:2}" "0x${h:28:2}" "0x${h:30:2}" "$n"
done | sort | paste -sd' ')
eq "evidence hosts and counts" "$got" "$want"
eq "evidence kinds" \
  "$(sql "SELECT group_concat(k || '=' || n, ' ') FROM (SELECT kind k, sum(count) n FROM evidence GROUP BY kind ORDER BY kind)")" \
  "$(jq -r '.listed | "dns-listed=\(.dns) flow-listed=\(.flow) http-listed=\(.http) tls-listed=\(.tls)"' "$T/truth.json")"
eq "evidence geo (hosts in 10/8)" "$(sql "SELECT group_concat(DISTINCT country || '/' || asn) FROM evidence")" "ZZ/0"
eq "alerts stored" "$(sql "SELECT sum(count) FROM ev_alert_day")" "$(jq .by_type.alert "$T/truth.json")"
eq "signatures" "$(sql "SELECT count(*) FROM signatures")" 5
eq "hour rows sum" "$(sql "SELECT sum(events) FROM ev_hour")" "$(jq .events "$T/truth.json")"
eq "dns per hour sum" "$(sql "SELECT sum(events) FROM ev_hour WHERE kind = 'dns'")" "$(jq .by_type.dns "$T/truth.json")"

# idempotence: the same file, and the same content on stdin, are skipped
"$OODA" ingest --sensor ids-1 --json --db "$DB" "$T/eve.json" >"$T/out2" 2>/dev/null || true
eq "second ingest skipped" "$(jq -r '.files[0].status' "$T/out2")" skipped
"$OODA" ingest --sensor ids-1 --json --db "$DB" - <"$T/eve.json" >"$T/out3" 2>/dev/null || true
eq "stdin copy skipped" "$(jq -r '.files[0].status' "$T/out3")" skipped
eq "alerts unchanged" "$(sql "SELECT sum(count) FROM ev_alert_day")" "$(jq .by_type.alert "$T/truth.json")"

# another sensor through stdin: the same counts, and rows of its own
set +e
"$OODA" ingest --sensor ids-2 --json --db "$DB" - <"$T/eve.json" >"$T/out4" 2>"$T/err4"
rc=$?
set -e
eq "stdin exit" "$rc" 65
eq "stdin event types" "$(jq -c "$f.event_types" "$T/out4")" "$(jq -c .by_type "$T/truth.json")"
eq "stdin rejected" "$(jq "$f.rejected" "$T/out4")" "$(jq .bad "$T/truth.json")"
grep -q "^ooda: ingest: -:${l[2]}: unknown event_type 'bogus'" "$T/err4" && ok || fail "stdin line numbers"
eq "second sensor's alerts" \
  "$(sql "SELECT sum(count) FROM ev_alert_day a JOIN sensors s ON s.id = a.sensor_id WHERE s.name = 'ids-2'")" \
  "$(jq .by_type.alert "$T/truth.json")"

# a line over 1 MiB, skipped Suricata types, a last line without its newline
{
  head -n 3 "$T/eve.json"
  printf '{"event_type":"flow","pad":"%s"}\n' "$(head -c 1100000 /dev/zero | tr '\0' a)"
  echo '{"timestamp":"2026-11-02T01:00:00.000000+0000","event_type":"stats","stats":{"uptime":1}}'
  echo '{"timestamp":"2026-11-02T01:00:00.000000+0900","event_type":"ssh","src_ip":"10.0.0.1","dest_ip":"10.0.0.2"}'
  printf '%s' "$(sed -n 4p "$T/eve.json")"
} >"$T/mixed.json"
for src in file stdin; do
  set +e
  if [ $src = file ]; then
    "$OODA" ingest --sensor "mixed-$src" --json --db "$T/m.db" "$T/mixed.json" >"$T/out5" 2>"$T/err5"
  else
    "$OODA" ingest --sensor "mixed-$src" --json --db "$T/m.db" - <"$T/mixed.json" >"$T/out5" 2>"$T/err5"
  fi
  rc=$?
  set -e
  eq "$src: overlong exit" "$rc" 65
  eq "$src: overlong counts" "$(jq -c "$f | [.lines, .events, .skipped_events, .rejected]" "$T/out5")" "[7,4,2,1]"
  grep -q ":4: line longer than 1 MiB" "$T/err5" && ok || fail "$src: overlong line reported"
done
finish
