#!/usr/bin/env bash
# Generated darknet traffic with ground truth -> ooda ingest -> every count equals the
# truth exactly: totals, classes, sources, scanners, victims, top sources and ports,
# every country and ASN, and the hourly series of the top ports and the worm port.
source "$(dirname "$0")/lib.bash"

"$GEN" --out "$T/d.pcap" --truth "$T/t.json" --darknet "$DARKNET" --packets 400000 --seed 11 \
  --worm-port 37215 --worm-hour 14
"$OODA" ingest --quiet --json --sensor tele --darknet "$DARKNET" --db "$T/o.db" "$T/d.pcap" \
  >"$T/ingest.json"
truth() { jq -c "$1" "$T/t.json"; }
got() { jq -c "$1" "$T/ingest.json"; }

# ingest counters
eq frames "$(got '.files[0].frames')" "$(truth .frames)"
eq darknet_packets "$(got '.files[0].packets')" "$(truth .packets)"
eq outside "$(got '.files[0].outside')" "$(truth .outside)"
eq non_ip "$(got '.files[0].non_ip')" "$(truth .non_ip)"
eq fragments "$(got '.files[0].fragments')" "$(truth .fragments)"
eq bad "$(got '.files[0].bad')" "0"

# summary
"$OODA" darknet summary --json --db "$T/o.db" >"$T/s.json"
for k in packets bytes sources scanners backscatter_victims; do
  eq "summary.$k" "$(jq ".$k" "$T/s.json")" "$(truth ".$k")"
done
for c in tcp_syn udp icmp_echo backscatter other; do
  eq "classes.$c" "$(jq ".classes.$c" "$T/s.json")" "$(truth ".classes.$c")"
done

# top sources: identity and order, packets, bytes, flags, geo; distinct destinations
# exact up to the scanner threshold and within 15% above it
"$OODA" darknet top --by source -n 20 --json --db "$T/o.db" >"$T/src.json"
eq top_sources "$(jq -c '[.entries[] | [.ip, .packets, .bytes, .scanner, .victim, .country, .asn]]' "$T/src.json")" \
  "$(truth '[.top_sources[] | [.ip, .packets, .bytes, .scanner, .victim, .country, .asn]]')"
eq top_source_ports "$(jq -c '[.entries[] | .ports]' "$T/src.json")" "$(truth '[.top_sources[] | .ports]')"
bad_dsts=$(jq -s '[.[0].entries, .[1].top_sources] | transpose | map(select(
  (.[1].dsts <= 16 and .[0].dsts != .[1].dsts) or
  (.[1].dsts > 16 and ((.[0].dsts - .[1].dsts) / .[1].dsts | fabs) > 0.15))) | length' \
  "$T/src.json" "$T/t.json")
eq top_source_dsts_mismatches "$bad_dsts" 0

# each top source's port list: complete (its counts add up to the packets) when it holds
# fewer than 8 (port, class) pairs, a prefix of them otherwise
eq top_source_port_lists "$(jq '[.entries[] | ((.top_ports | map(.[2]) | add) as $s |
  if (.top_ports | length) < 8 then $s == .packets else $s <= .packets end)] | all' "$T/src.json")" true
eq top_source_port_lists_sorted "$(jq '[.entries[] | .top_ports | map(.[2]) | . == (sort | reverse)] | all' "$T/src.json")" true

# top (port, class) pairs with distinct sources
"$OODA" darknet top --by port -n 20 --json --db "$T/o.db" >"$T/ports.json"
eq top_ports "$(jq -c '[.entries[] | [.port, .class, .packets, .sources]]' "$T/ports.json")" \
  "$(truth '[.top_ports[] | [.port, .class, .packets, .sources]]')"

# every country and every ASN
"$OODA" darknet top --by country -n 10000 --json --db "$T/o.db" >"$T/cc.json"
eq countries "$(jq -c '[.entries[] | {(.country): {packets, sources}}] | add | to_entries | sort_by(.key) | from_entries' "$T/cc.json")" \
  "$(truth '.countries | to_entries | sort_by(.key) | from_entries')"
"$OODA" darknet top --by asn -n 10000 --json --db "$T/o.db" >"$T/asn.json"
eq asns "$(jq -c '[.entries[] | {(.asn | tostring): {packets, sources}}] | add | to_entries | sort_by(.key) | from_entries' "$T/asn.json")" \
  "$(truth '.asns | to_entries | sort_by(.key) | from_entries')"

# hourly series (packets, distinct sources, new sources) of the truth's port pairs
for pair in $(truth '[.port_hours[] | "\(.port)/\(.class)"] | unique | .[]' | tr -d '"'); do
  port=${pair%/*}; cls=${pair#*/}
  "$OODA" darknet series --port "$port" --class "$cls" --json --db "$T/o.db" >"$T/series.json"
  eq "series $pair" \
    "$(jq -c '[.points[] | select(.packets > 0) | [.hour, .packets, .sources, .new_sources]]' "$T/series.json")" \
    "$(jq -c --argjson p "$port" --arg c "$cls" '[.port_hours[] | select(.port == $p and .class == $c and .packets > 0) | [(.hour | todate), .packets, .sources, .new_sources]]' "$T/t.json")"
done

# the worm outbreak is visible: new sources on the worm port in the worm hour are many
# times those of any earlier hour
wh=$(truth '.worm.start_hour')
"$OODA" darknet series --port 37215 --class tcp_syn --json --db "$T/o.db" >"$T/worm.json"
new_at=$(jq --arg h "$(jq -rn --argjson t "$wh" '$t | todate')" '[.points[] | select(.hour == $h) | .new_sources] | add // 0' "$T/worm.json")
before=$(jq --arg h "$(jq -rn --argjson t "$wh" '$t | todate')" '[.points[] | select(.hour < $h) | .new_sources] | max // 0' "$T/worm.json")
if [ "$new_at" -ge 100 ] && [ "$new_at" -gt $(( 5 * before )) ]; then ok; else
  fail "worm hour: $new_at new sources vs at most $before before"; fi

# scanners and victims are sightings with the sensor as observer
n_sight=$(sqlite3 "$T/o.db" "SELECT count(*) FROM sightings WHERE observer = 'tele'")
eq sightings "$n_sight" "$(( $(truth .scanners) + $(truth .backscatter_victims) ))"
finish
