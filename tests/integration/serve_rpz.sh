#!/usr/bin/env bash
# The whole delivery path with real parts: indicators pulled from a feed into the
# database, `ooda serve --rpz` as primary, a real Unbound as secondary (rpz: clause).
# A feed pull that adds a name reaches Unbound by NOTIFY + IXFR (blocked within 10 s);
# a pull that drops it (grace 0) unblocks it; a listed CIDR rewrites answers in it
# (rpz-ip). `ooda export rpz` writes a zone named-checkzone accepts, whose serial grows
# only when the content changes, and which leaves TLP:RED out unless asked.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/dns.bash"
for b in unbound named kdig named-checkzone; do
  command -v $b >/dev/null || { echo "skip: $b not installed"; exit 77; }
done
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
status() {
  kdig -p "$1" @127.0.0.1 +time=2 +retry=0 "$2" A 2>&1 | sed -n 's/.*status: \([A-Z]*\).*/\1/p' | head -1
}
wait_status() {
  for _ in $(seq 50); do
    [ "$(status "$1" "$2")" == "$3" ] && { echo ok; return 0; }
    sleep 0.2
  done
  echo "timeout: $(status "$1" "$2")"
}

export OODA_DB="$T/rpz.db"
printf 'evil.example\n45.33.32.0/24\n' >"$T/feed.txt"
printf 'red.example\n' >"$T/red.txt"
"$OODA" feed add f --format plain --file "$T/feed.txt" --grace 0 >/dev/null
"$OODA" feed add r --format plain --file "$T/red.txt" --tlp red >/dev/null
"$OODA" feed pull >/dev/null

# ---- export rpz: a zone file BIND accepts, serial only moves on change ------------------
"$OODA" export rpz --zone rpz.test --output "$T/z1"
"$OODA" export rpz --zone rpz.test --output "$T/z2"
serial() { awk '$4 == "SOA" || $3 == "SOA" {for (i = 1; i <= NF; i++) if ($i == "SOA") {print $(i + 3); exit}}' "$1"; }
eq "export serial" "$(serial "$T/z1")" 1
eq "unchanged content keeps the serial" "$(serial "$T/z2")" 1
named-checkzone -q rpz.test "$T/z1" && ok || fail "named-checkzone rejects the export"
eq "triggers" "$(grep -cE '^(\*\.)?evil\.example|^24\.0\.32\.33\.45\.rpz-ip' "$T/z1")" 3
eq "red left out" "$(grep -c red.example "$T/z1" || true)" 0
"$OODA" export rpz --zone rpz.test --tlp red --output "$T/z3"
eq "red on request" "$(grep -c red.example "$T/z3")" 2
eq "changed content, next serial" "$(serial "$T/z3")" 2

# ---- authoritative data for the names the resolver answers ------------------------------
AUTH=$(free_port)
start_auth "$T/auth" "$AUTH" <<'EOF'
evil IN A 203.0.113.6
new IN A 203.0.113.8
ipbad IN A 45.33.32.7
good IN A 203.0.113.9
red IN A 203.0.113.10
EOF

# ---- ooda serve as the RPZ primary, Unbound as its secondary ----------------------------
P=$(free_port)
UB=$(free_port)
: >"$T/serve.log"
OODA_LOG=info "$OODA" serve --rpz "127.0.0.1:$P" --zone rpz.test --notify "127.0.0.1:$UB" \
  --poll 0.2 2>"$T/serve.log" &
pids+=($!)
wait_line "$T/serve.log" "ready" || fail "serve did not start: $(cat "$T/serve.log")"
mkdir -p "$T/unbound"
{
  unbound_server "$T/unbound" "$UB" "$AUTH"
  cat <<EOF
rpz:
  name: "rpz.test."
  primary: 127.0.0.1@$P
  allow-notify: 127.0.0.1
  zonefile: "$T/unbound/rpz.zone"
EOF
} >"$T/unbound/unbound.conf"
unbound -d -c "$T/unbound/unbound.conf" >"$T/unbound/log" 2>&1 &
pids+=($!)
wait_dns "$AUTH" example || fail "authoritative named did not start"
wait_dns "$UB" example || fail "unbound did not start: $(tail -3 "$T/unbound/log")"

eq "listed name blocked" "$(wait_status "$UB" evil.example NXDOMAIN)" ok
eq "wildcard trigger" "$(status "$UB" www.evil.example)" NXDOMAIN
eq "rpz-ip trigger" "$(status "$UB" ipbad.example)" NXDOMAIN
eq "unlisted resolves" "$(status "$UB" new.example)" NOERROR
eq "TLP:RED not in the served zone" "$(status "$UB" red.example)" NOERROR
S0=$(kdig -p "$P" @127.0.0.1 +short rpz.test SOA | awk '{print $3}')

# ---- a feed pull adds a name: NOTIFY + IXFR ----------------------------------------------
printf 'evil.example\n45.33.32.0/24\nnew.example\n' >"$T/feed.txt"
"$OODA" feed pull f >/dev/null
eq "added name blocked after the pull" "$(wait_status "$UB" new.example NXDOMAIN)" ok
wait_line "$T/serve.log" "IXFR started, client serial $S0, serial $((S0 + 1))" ||
  fail "no IXFR $S0 -> $((S0 + 1)) in serve's log: $(grep -i xfr "$T/serve.log" | tail -3)"

# ---- and a pull that drops it unblocks it ----------------------------------------------------
printf 'evil.example\n45.33.32.0/24\n' >"$T/feed.txt"
"$OODA" feed pull f >/dev/null
eq "removed name unblocked" "$(wait_status "$UB" new.example NOERROR)" ok
wait_line "$T/serve.log" "IXFR started, client serial $((S0 + 1)), serial $((S0 + 2))" ||
  fail "no IXFR for the removal"
eq "no AXFR for the updates" "$(grep -c 'AXFR started' "$T/serve.log" || true)" 1
eq "still blocked" "$(status "$UB" evil.example)" NXDOMAIN
eq "good untouched" "$(status "$UB" good.example)" NOERROR
finish
