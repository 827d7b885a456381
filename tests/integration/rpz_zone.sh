#!/usr/bin/env bash
# rpz_zone.sh - the RPZ zone file written by the act module (via tools/rpz-serve-test)
# loaded by real resolvers: Unbound (rpz: zonefile) and BIND 9 named (response-policy).
# A third process, named as an authoritative server for "example.", gives the resolvers
# data for unlisted names. Checks per resolver: a listed name -> NXDOMAIN, a subdomain
# of it (wildcard trigger) -> NXDOMAIN, an unlisted name -> its A record, a name whose
# A (or AAAA) record lies in a listed CIDR -> NXDOMAIN (rpz-ip), an A outside -> kept.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/dns.bash"
DRV=$OODA_BUILD/rpz-serve-test
for b in unbound named kdig; do
  command -v $b >/dev/null || { echo "skip: $b not installed"; exit 77; }
done
[ -x "$DRV" ] || { echo "FAIL: $DRV not built"; exit 1; }
pids=()
cleanup() {
  [ -n "${KEEP:-}" ] && cp -r "$T" "$KEEP"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT

# ask PORT NAME TYPE -> "STATUS answer-rdata..."
ask() {
  local out st
  out=$(kdig -p "$1" @127.0.0.1 +time=3 +retry=1 "$2" "$3" 2>&1) || true
  st=$(sed -n 's/.*status: \([A-Z]*\).*/\1/p' <<<"$out" | head -1)
  echo "$st $(kdig -p "$1" @127.0.0.1 +time=3 +retry=1 +short "$2" "$3" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')"
}

# --- the RPZ zone ------------------------------------------------------------------
cat >"$T/entries" <<'EOF'
# listed domains and prefixes
evil.example
bad.example
198.51.100.0/24
2001:db8:bad::/48
not a domain
EOF
"$DRV" zone --origin rpz.test --serial 5 "$T/entries" "$T/rpz.zone" 2>"$T/zone.err"
eq "zone file written" "$?" 0
eq "rejected entry reported" "$(grep -c 'entry 4' "$T/zone.err")" 1
eq "zone records" "$(grep -c ' IN CNAME \.$' "$T/rpz.zone")" 6
eq "v6 trigger" "$(grep -c '^48.zz.bad.db8.2001.rpz-ip IN CNAME .$' "$T/rpz.zone")" 1
named-checkzone rpz.test "$T/rpz.zone" >"$T/checkzone.out" 2>&1
eq "named-checkzone accepts the zone" "$?" 0
# two more zones for the nodata and local-data CNAME policies
echo nodata.example >"$T/entries.nodata"
echo redirect.example >"$T/entries.cname"
"$DRV" zone --origin rpz-nodata.test --policy nodata "$T/entries.nodata" "$T/nodata.zone" 2>/dev/null
"$DRV" zone --origin rpz-cname.test --policy cname:walled.example "$T/entries.cname" \
  "$T/cname.zone" 2>/dev/null

# --- authoritative data for unlisted names (named #1) -------------------------------
AUTH=$(free_port)
start_auth "$T/auth" "$AUTH" <<'EOF'
ok IN A 203.0.113.5
evil IN A 203.0.113.6
sub.evil IN A 203.0.113.7
ipblock IN A 198.51.100.7
ipok IN A 198.51.101.7
v6block IN AAAA 2001:db8:bad::5
v6ok IN AAAA 2001:db8:900d::5
nodata IN A 203.0.113.9
redirect IN A 203.0.113.10
walled IN A 203.0.113.99
EOF

# --- Unbound with the zone file ----------------------------------------------------------
UB=$(free_port)
mkdir -p "$T/unbound"
{
  unbound_server "$T/unbound" "$UB" "$AUTH"
  cat <<EOF
rpz:
  name: "rpz.test."
  zonefile: "$T/rpz.zone"
rpz:
  name: "rpz-nodata.test."
  zonefile: "$T/nodata.zone"
rpz:
  name: "rpz-cname.test."
  zonefile: "$T/cname.zone"
EOF
} >"$T/unbound/unbound.conf"
unbound-checkconf "$T/unbound/unbound.conf" >/dev/null
eq "unbound-checkconf" "$?" 0
unbound -d -c "$T/unbound/unbound.conf" >"$T/unbound/log" 2>&1 &
pids+=($!)

# --- BIND resolver with response-policy --------------------------------------------------
BR=$(free_port)
mkdir -p "$T/bind"
cp "$T/rpz.zone" "$T/nodata.zone" "$T/cname.zone" "$T/bind/"
cat >"$T/bind/named.conf" <<EOF
options {
  directory "$T/bind"; pid-file "$T/bind/pid"; session-keyfile "$T/bind/skey";
  listen-on port $BR { 127.0.0.1; }; listen-on-v6 { none; };
  recursion yes; allow-recursion { 127.0.0.0/8; }; dnssec-validation no;
  response-policy { zone "rpz.test"; zone "rpz-nodata.test"; zone "rpz-cname.test"; };
};
controls { };
zone "rpz.test" { type primary; file "rpz.zone"; allow-query { localhost; }; };
zone "rpz-nodata.test" { type primary; file "nodata.zone"; allow-query { localhost; }; };
zone "rpz-cname.test" { type primary; file "cname.zone"; allow-query { localhost; }; };
zone "example" { type forward; forward only; forwarders { 127.0.0.1 port $AUTH; }; };
EOF
named -g -c "$T/bind/named.conf" >"$T/bind/log" 2>&1 &
pids+=($!)

wait_dns "$AUTH" example || fail "authoritative named did not start: $(tail -3 "$T/auth/log")"
wait_dns "$UB" example || fail "unbound did not start: $(tail -3 "$T/unbound/log")"
wait_dns "$BR" example || fail "BIND resolver did not start: $(tail -3 "$T/bind/log")"

for r in "unbound $UB" "bind $BR"; do
  set -- $r
  eq "$1: listed name" "$(ask "$2" evil.example A)" "NXDOMAIN "
  eq "$1: wildcard trigger" "$(ask "$2" sub.evil.example A)" "NXDOMAIN "
  eq "$1: listed name without data" "$(ask "$2" bad.example A)" "NXDOMAIN "
  eq "$1: unlisted name" "$(ask "$2" ok.example A)" "NOERROR 203.0.113.5"
  eq "$1: rpz-ip v4 in CIDR" "$(ask "$2" ipblock.example A)" "NXDOMAIN "
  eq "$1: A outside CIDR" "$(ask "$2" ipok.example A)" "NOERROR 198.51.101.7"
  eq "$1: rpz-ip v6 in CIDR" "$(ask "$2" v6block.example AAAA)" "NXDOMAIN "
  eq "$1: AAAA outside CIDR" "$(ask "$2" v6ok.example AAAA)" "NOERROR 2001:db8:900d::5"
  eq "$1: nodata policy" "$(ask "$2" nodata.example A)" "NOERROR "
  eq "$1: cname policy" "$(ask "$2" redirect.example A)" "NOERROR walled.example. 203.0.113.99"
done
grep -q "rpz: ignoring\|invalid rpz" "$T/bind/log" && fail "BIND rejected triggers: $(grep -m3 'rpz' "$T/bind/log")"
finish
