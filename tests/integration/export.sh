#!/usr/bin/env bash
# `ooda export nft|list|suricata-dataset` against the listed indicators: nft accepts the
# script in check mode (and rejects a damaged copy, so the check can fail), the sets hold
# exactly the listed addresses and prefixes, lists and Suricata datasets hold exactly the
# listed values (datasets: base64 of each domain, hex hashes), TLP limits apply, a
# bad --type is a usage error, and --output never leaves a partial file. `export rpz`
# (streamed: listing by id, domains back in index order, docs/rpz.md) writes exactly
# the expected zone: prefixes and domains in one byte order (a proper prefix first),
# allowlisted, TLP:RED, URL and hash entries left out; the serial moves only on change.
source "$(dirname "$0")/lib.bash"
command -v nft >/dev/null || { echo "skip: nft not installed"; exit 77; }

export OODA_DB="$T/export.db"
H=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
cat >"$T/feed.txt" <<EOF
45.33.32.156
45.33.32.0/24
2a00:1450::/32
2a00:1450:4001::1
evil.example
Bad.Example.
http://evil.example/x
$H
10.1.2.3
EOF
printf 'amber.example\n8.8.4.0/24\n' >"$T/amber.txt"
printf 'red.example\n' >"$T/red.txt"
"$OODA" feed add f --format plain --file "$T/feed.txt" --tlp green >/dev/null
"$OODA" feed add a --format plain --file "$T/amber.txt" --tlp amber >/dev/null
"$OODA" feed add r --format plain --file "$T/red.txt" --tlp red >/dev/null
"$OODA" feed pull >/dev/null

"$OODA" export nft --table ooda_test --output "$T/bl.nft"
nft -c -f "$T/bl.nft" && ok || fail "nft rejects the export"
sed 's/2a00:1450::/2a00:1450:::/' "$T/bl.nft" >"$T/bad.nft"
nft -c -f "$T/bad.nft" 2>/dev/null && fail "nft accepted a damaged script" || ok
elements() { awk -v set="$1" '$1 == "set" {s = $2} s == set && /^\t\t\t/ {gsub(/[\t,]/, ""); print}' "$T/bl.nft" | sort | paste -sd' '; }
# 10.1.2.3 is RFC 1918: allowlisted, never exported
eq "v4 set" "$(elements blocklist_v4)" "45.33.32.0/24 45.33.32.156 8.8.4.0/24"
eq "v6 set" "$(elements blocklist_v6)" "2a00:1450:4001::1 2a00:1450::/32"
eq "table name" "$(grep -c '^table inet ooda_test {' "$T/bl.nft")" 1

eq "list domains" "$("$OODA" export list --type domain | paste -sd' ')" "amber.example bad.example evil.example"
eq "list domains, green" "$("$OODA" export list --type domain --tlp green | paste -sd' ')" "bad.example evil.example"
eq "list domains, red" "$("$OODA" export list --type domain --tlp red | paste -sd' ')" \
  "amber.example bad.example evil.example red.example"
eq "list urls" "$("$OODA" export list --type url)" "http://evil.example/x"

want=$(for d in amber.example bad.example evil.example; do printf %s "$d" | base64; done | paste -sd' ')
eq "suricata domains" "$("$OODA" export suricata-dataset --type domain | paste -sd' ')" "$want"
eq "suricata sha256" "$("$OODA" export suricata-dataset --type sha256)" "$H"

# ---- export rpz: exact zone --------------------------------------------------------------
printf 'a.example.com\na.example\na-b.example\n' >"$T/order.txt"
"$OODA" feed add o --format plain --file "$T/order.txt" --tlp green --grace 0 >/dev/null
"$OODA" feed pull o >/dev/null
zone_head() {
  printf '$ORIGIN rpz.test.\n$TTL 300\n@ IN SOA localhost. hostmaster.localhost. %s 3600 600 604800 60\n@ IN NS localhost.\n' "$1"
}
trig() { for n in "$@"; do printf '%s IN CNAME .\n' "$n"; case $n in *.rpz-ip) ;; *) printf '*.%s IN CNAME .\n' "$n" ;; esac; done; }
want_rpz="$(zone_head 1; trig 128.1.zz.4001.1450.2a00.rpz-ip 24.0.32.33.45.rpz-ip 24.0.4.8.8.rpz-ip \
  32.156.32.33.45.rpz-ip 32.zz.1450.2a00.rpz-ip a-b.example a.example a.example.com amber.example \
  bad.example evil.example)"
"$OODA" export rpz --zone rpz.test --output "$T/z1"
eq "rpz zone exact" "$(cat "$T/z1")" "$want_rpz"
eq "rpz zone unchanged: same file" "$("$OODA" export rpz --zone rpz.test)" "$want_rpz"
want_green="$(zone_head 2; trig 128.1.zz.4001.1450.2a00.rpz-ip 24.0.32.33.45.rpz-ip \
  32.156.32.33.45.rpz-ip 32.zz.1450.2a00.rpz-ip a-b.example a.example a.example.com \
  bad.example evil.example)"
eq "rpz zone, green: next serial" "$("$OODA" export rpz --zone rpz.test --tlp green)" "$want_green"
printf 'a.example.com\na-b.example\n' >"$T/order.txt"
"$OODA" feed pull o >/dev/null
want_rm="$(zone_head 3; trig 128.1.zz.4001.1450.2a00.rpz-ip 24.0.32.33.45.rpz-ip 24.0.4.8.8.rpz-ip \
  32.156.32.33.45.rpz-ip 32.zz.1450.2a00.rpz-ip a-b.example a.example.com amber.example \
  bad.example evil.example)"
eq "rpz zone after a removal" "$("$OODA" export rpz --zone rpz.test --action nxdomain)" "$want_rm"

set +e
"$OODA" export suricata-dataset --type url >/dev/null 2>&1
eq "suricata url is usage" "$?" 64
"$OODA" export list >/dev/null 2>&1
eq "list without type" "$?" 64
"$OODA" export rpz >/dev/null 2>&1
eq "rpz without zone" "$?" 64
"$OODA" export list --type domain --output "$T/nodir/out" >/dev/null 2>&1
eq "unwritable output" "$?" 73
set -e
eq "no partial file" "$(ls "$T" | grep -c '^out\.' || true)" 0
finish
