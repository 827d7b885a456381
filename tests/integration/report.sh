#!/usr/bin/env bash
# ooda report against ground truth: a day of darknet traffic (gen-darknet) and an EVE log
# (gen-eve) give the summary, top port, scanners, DoS victims and infected hosts exactly
# (JSON); a week with a worm outbreak gives its early-warning alert in every format, and
# the HTML escapes what the data says (a sensor named with markup).
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "jq missing"; exit 77; }
DB="$T/r.db"
"$GEN" --out "$T/d.pcap" --truth "$T/d.json" --darknet "$DARKNET" --packets 200000 --seed 8
"$OODA_BUILD/gen-eve" --out "$T/eve.json" --truth "$T/eve-truth.json" --events 20000 --hosts 600 \
  --infected-rate 0.02 --indicators "$T/c2.txt" --seed 8
"$OODA" feed add c2 --format plain --file "$T/c2.txt" --db "$DB" >/dev/null
"$OODA" feed pull c2 --db "$DB" >/dev/null
"$OODA" ingest --quiet --sensor tele-1 --darknet "$DARKNET" --db "$DB" "$T/d.pcap"
"$OODA" ingest --quiet --sensor ids-1 --db "$DB" "$T/eve.json"
"$OODA" report --since 2026-11-01 --until 2026-11-04 --format json --db "$DB" >"$T/r.json"
eq "window" "$(jq -c '[.since, .until]' "$T/r.json")" '["2026-11-01T00:00:00Z","2026-11-04T00:00:00Z"]'
eq "darknet" "$(jq -c '.darknet | [.packets, .scanners, .backscatter_victims]' "$T/r.json")" \
  "$(jq -c '[.packets, .scanners, .backscatter_victims]' "$T/d.json")"
eq "top port" "$(jq -r '.top_ports[0].key' "$T/r.json")" "$(jq -r '.top_ports[0] | "\(.port)/\(.class)"' "$T/d.json")"
eq "top port packets" "$(jq '.top_ports[0].packets' "$T/r.json")" "$(jq '.top_ports[0].packets' "$T/d.json")"
eq "infected hosts" "$(jq -c '.infected_hosts | [.darknet_scanners, .listed_contact, .hosts]' "$T/r.json")" \
  "[$(jq .scanners "$T/d.json"),$(jq .infected "$T/eve-truth.json"),$(( $(jq .scanners "$T/d.json") + $(jq .infected "$T/eve-truth.json") ))]"
eq "victims listed" "$(jq '[.dos_victims[] | select(.backscatter > 0)] | length' "$T/r.json")" \
  "$(jq '[.backscatter_victims, 10] | min' "$T/d.json")"
eq "new scanners are scanners" "$(jq '[.new_scanners[] | select(.dsts < 16)] | length' "$T/r.json")" 0
eq "indicators reached" "$(jq '[.listed_indicators_reached[].hosts] | add' "$T/r.json")" \
  "$(jq '[.listed_indicators_reached[]] | length' "$T/r.json")" # each C&C has its one host
"$OODA" report --since 2026-11-01 --until 2026-11-04 --db "$DB" >"$T/r.md"
eq "md title" "$(head -1 "$T/r.md")" "# Situation report"
grep -q "^| $(jq -r '.top_ports[0].key' "$T/r.json") | " "$T/r.md" && ok || fail "md top port row"

# a week with an outbreak: the alert, and HTML escaping
W="$T/w.db"
"$GEN" --out "$T/w.pcap" --truth "$T/w.json" --hours 168 --packets 300000 --seed 9 \
  --worm-hour 134 --worm-sources 600 >/dev/null 2>&1
"$OODA" ingest --quiet --sensor '<b>tele</b>' --db "$W" "$T/w.pcap"
"$OODA" alerts --json --db "$W" >/dev/null
"$OODA" report --since 2026-11-01 --until 2026-11-10 --format json --db "$W" >"$T/w-r.json"
eq "alert" "$(jq -c '[.alerts[] | [.port, .class]]' "$T/w-r.json")" "$(jq -c '[[.worm.port, .worm.class]]' "$T/w.json")"
"$OODA" report --since 2026-11-01 --until 2026-11-10 --format html --db "$W" >"$T/w.html"
eq "html doctype" "$(head -1 "$T/w.html")" "<!DOCTYPE html>"
grep -q "&lt;b&gt;tele&lt;/b&gt;" "$T/w.html" && ok || fail "html escapes the sensor name"
grep -q "<b>tele</b>" "$T/w.html" && fail "html carries raw markup" || ok
eq "html tables closed" "$(grep -c '<table>' "$T/w.html")" "$(grep -c '</table>' "$T/w.html")"
set +e
"$OODA" report --db "$DB" >/dev/null 2>&1
eq "no --since" "$?" 64
"$OODA" report --since 1d --format pdf --db "$DB" >/dev/null 2>&1
eq "bad format" "$?" 64
set -e
finish
