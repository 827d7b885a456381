#!/usr/bin/env bash
# Early warning (docs/early-warning.md): a generated week with one worm outbreak on
# day 5 -> ooda ingest -> ooda alerts gives exactly one alert, on the worm's port and
# class, starting in the outbreak's first hour, with the exact packets and new sources
# of that hour from the generator's ground truth; re-running updates the same row; a
# quiet week (no worm) gives no alert.
source "$(dirname "$0")/lib.bash"

"$GEN" --out "$T/w.pcap" --truth "$T/w.json" --darknet "$DARKNET" --hours 168 \
  --packets 500000 --seed 21 --worm-port 37215 --worm-hour 134 --worm-sources 500 >/dev/null
"$OODA" ingest --quiet --sensor tele --darknet "$DARKNET" --db "$T/w.db" "$T/w.pcap"
truth() { jq -c "$1" "$T/w.json"; }
t0=$(truth .worm.start_hour)
port=$(truth .worm.port)
want_new=$(jq --argjson t "$t0" --argjson p "$port" \
  '[.port_hours[] | select(.port == $p and .class == "tcp_syn" and .hour == $t)][0].new_sources' \
  "$T/w.json")
want_pk=$(jq --argjson t "$t0" --argjson p "$port" \
  '[.port_hours[] | select(.port == $p and .class == "tcp_syn" and .hour == $t)][0].packets' \
  "$T/w.json")
# the generated outbreak is big enough to matter: >= 150 new sources in its first hour
[ "$want_new" -ge 150 ] && ok || fail "generator: only $want_new new sources in the worm hour"

"$OODA" alerts --json --db "$T/w.db" >"$T/a.json"
a() { jq -c "$1" "$T/a.json"; }
eq count "$(a length)" 1
eq kind "$(a '.[0].kind')" '"port-surge"'
eq sensor "$(a '.[0].sensor')" '"tele"'
eq port "$(a '.[0].port')" "$port"
eq class "$(a '.[0].class')" "$(truth .worm.class)"
eq start_hour "$(a '.[0].start_hour | fromdateiso8601')" "$t0"
eq packets "$(a '.[0].packets')" "$want_pk"
eq new_sources "$(a '.[0].new_sources')" "$want_new"
[ "$(a '.[0].new_sources')" -ge "$want_new" ] && ok || fail "new_sources below the truth"
[ "$(a '.[0].end_hour | fromdateiso8601')" -ge "$t0" ] && ok || fail "end before start"
eq magnitude "$(a '.[0] | (.magnitude - .packets / .baseline) | fabs < 1e-9')" true
[ "$(a '.[0].magnitude > 5')" == true ] && ok || fail "magnitude $(a '.[0].magnitude') <= 5"
eq top_sources_n "$(a '.[0].top_sources | length')" 5
eq top_sources_sorted "$(a '.[0].top_sources | map(.packets) | . == (sort | reverse)')" true
eq top_countries_n "$(a '.[0].top_countries | length')" 5
eq top_countries_sorted "$(a '.[0].top_countries | map(.sources) | . == (sort | reverse)')" true
eq keys "$(a '.[0] | keys_unsorted')" \
  '["id","sensor","kind","port","class","start_hour","end_hour","hours","packets","baseline","magnitude","new_sources","top_sources","top_countries","created"]'
# the sources behind the top countries were active on the pair in that hour
want_src=$(jq --argjson t "$t0" --argjson p "$port" \
  '[.port_hours[] | select(.port == $p and .class == "tcp_syn" and .hour == $t)][0].sources' \
  "$T/w.json")
cc_src=$(a '[.[0].top_countries[].sources] | add')
[ "$cc_src" -le "$want_src" ] && [ "$cc_src" -ge "$((want_new / 2))" ] && ok ||
  fail "top countries hold $cc_src sources; the hour has $want_src, $want_new new"

# idempotent: a second run updates the same row
id=$(a '.[0].id')
"$OODA" alerts --json --db "$T/w.db" >"$T/a2.json"
eq rerun_count "$(jq length "$T/a2.json")" 1
eq rerun_id "$(jq '.[0].id' "$T/a2.json")" "$id"
eq rows "$(sqlite3 "$T/w.db" 'SELECT count(*) FROM alerts')" 1
# windows: the alert's day lists it; the day after the outbreak does not
day=$(jq -rn --argjson t "$t0" '$t - $t % 86400 | todate')
after=$(jq -rn --argjson t "$t0" '$t - $t % 86400 + 86400 | todate')
eq window_day "$("$OODA" alerts --json --since "$day" --until "$after" --db "$T/w.db" | jq length)" 1
eq window_after "$("$OODA" alerts --json --since "$after" --db "$T/w.db" | jq length)" 0
eq sensor_filter "$("$OODA" alerts --json --sensor tele --db "$T/w.db" | jq length)" 1
rc=0
"$OODA" alerts --sensor nosuch --db "$T/w.db" >/dev/null 2>&1 || rc=$?
[ "$rc" -ne 0 ] && ok || fail "unknown sensor accepted"
rc=0
"$OODA" alerts --bogus --db "$T/w.db" >/dev/null 2>&1 || rc=$?
eq usage_exit "$rc" 64
"$OODA" alerts --db "$T/w.db" | grep -q "^$(jq -rn --argjson t "$t0" '$t | todate') *$port  tcp_syn" &&
  ok || fail "text output lacks the alert line"

# a quiet week: no alert
"$GEN" --out "$T/q.pcap" --truth "$T/q.json" --darknet "$DARKNET" --hours 168 \
  --packets 500000 --seed 22 --worm-sources 0 >/dev/null
"$OODA" ingest --quiet --sensor tele --darknet "$DARKNET" --db "$T/q.db" "$T/q.pcap"
eq quiet_json "$("$OODA" alerts --json --db "$T/q.db" | jq -c .)" "[]"
eq quiet_text "$("$OODA" alerts --db "$T/q.db")" "no alerts"
finish
