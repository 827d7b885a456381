#!/usr/bin/env bash
# ooda hosts against ground truth: a day of darknet traffic (tools/gen-darknet) and a
# Suricata EVE log (tools/gen-eve) whose C&C list is pulled as a feed, in one database.
# Every darknet scanner and every EVE-infected host is listed, nothing else; a prefix
# gives exactly the generator's infected hosts with their event counts; one /32 the top
# scanner with its packets; --asn and --country only hosts of that ASN or country,
# with the top scanner among them; a window after the data nothing.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "jq missing"; exit 77; }
DB="$T/hosts.db"

"$GEN" --out "$T/d.pcap" --truth "$T/d.json" --darknet "$DARKNET" --packets 200000 --seed 5
"$OODA_BUILD/gen-eve" --out "$T/eve.json" --truth "$T/eve-truth.json" --events 20000 \
  --hosts 600 --infected-rate 0.02 --indicators "$T/c2.txt" --seed 5
"$OODA" feed add c2 --format plain --file "$T/c2.txt" --db "$DB" >/dev/null
"$OODA" feed pull c2 --db "$DB" >/dev/null
"$OODA" ingest --quiet --sensor tele-1 --darknet "$DARKNET" --db "$DB" "$T/d.pcap"
"$OODA" ingest --quiet --sensor ids-1 --db "$DB" "$T/eve.json"

"$OODA" hosts --json --db "$DB" >"$T/all.json"
scanners=$(jq .scanners "$T/d.json")
infected=$(jq .infected "$T/eve-truth.json")
eq "all hosts" "$(jq length "$T/all.json")" "$((scanners + infected))"
eq "darknet-scan hosts" "$(jq '[.[] | select(any(.evidence[]; .kind == "darknet-scan"))] | length' "$T/all.json")" "$scanners"
# address order: IPv4 (mapped, so lower) numerically, then IPv6
eq "address order" "$(jq -c '[.[].ip] | (map(select(contains(":") | not)) as $v4 |
  ($v4 == ($v4 | sort_by(split(".") | map(tonumber)))) and (.[0:($v4 | length)] == $v4))' "$T/all.json")" true
eq "first/last seen span the evidence" \
  "$(jq '[.[] | select(.first_seen != ([.evidence[].first_seen] | min) or .last_seen != ([.evidence[].last_seen] | max))] | length' "$T/all.json")" 0

"$OODA" hosts --prefix 10.0.0.0/8 --json --db "$DB" >"$T/p.json"
eq "prefix hosts and counts" "$(jq -c '[.[] | {(.ip): ([.evidence[].count] | add)}] | add // {} | to_entries | sort_by(.key)' "$T/p.json")" \
  "$(jq -c '.infected_hosts | to_entries | sort_by(.key)' "$T/eve-truth.json")"
eq "prefix evidence kinds" "$(jq -c '[.[].evidence[].kind] | unique' "$T/p.json")" \
  "$(jq -c '[.listed | to_entries[] | select(.value > 0) | .key + "-listed"] | sort' "$T/eve-truth.json")"
eq "prefix sensor" "$(jq -r '[.[].evidence[].sensor] | unique | join(",")' "$T/p.json")" ids-1

top=$(jq -r '.top_sources[0].ip' "$T/d.json")
"$OODA" hosts --prefix "$top/32" --json --db "$DB" >"$T/one.json"
eq "one /32" "$(jq -c '[.[] | .ip, (.evidence | length), .evidence[0].kind, .evidence[0].sensor, .evidence[0].count]' "$T/one.json")" \
  "$(jq -c "[\"$top\", 1, \"darknet-scan\", \"tele-1\", .top_sources[0].packets]" "$T/d.json")"
eq "its country and ASN" "$(jq -c '.[0] | [.country, .asn]' "$T/one.json")" "$(jq -c '.top_sources[0] | [.country, .asn]' "$T/d.json")"

asn=$(jq '.top_sources[0].asn' "$T/d.json")
"$OODA" hosts --asn "AS$asn" --json --db "$DB" >"$T/asn.json"
eq "asn filter" "$(jq "[.[] | select(.asn != $asn)] | length" "$T/asn.json")" 0
eq "asn has the top scanner" "$(jq "[.[] | select(.ip == \"$top\")] | length" "$T/asn.json")" 1
eq "asn count" "$(jq length "$T/asn.json")" "$(jq "[.[] | select(.asn == $asn)] | length" "$T/all.json")"
cc=$(jq -r '.top_sources[0].country' "$T/d.json")
"$OODA" hosts --country "$cc" --json --db "$DB" >"$T/cc.json"
eq "country count" "$(jq length "$T/cc.json")" "$(jq "[.[] | select(.country == \"$cc\")] | length" "$T/all.json")"

eq "after the data" "$("$OODA" hosts --since 2030-01-01 --json --db "$DB" | jq length)" 0
eq "text lists the /32" "$("$OODA" hosts --prefix "$top/32" --db "$DB" | grep -c "^$top ")" 1
set +e
"$OODA" hosts --prefix 10.0.0.1/8 --db "$DB" >/dev/null 2>&1
eq "bad prefix exit" "$?" 64
"$OODA" hosts --asn x --db "$DB" >/dev/null 2>&1
eq "bad asn exit" "$?" 64
set -e
finish
