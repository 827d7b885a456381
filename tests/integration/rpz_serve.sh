#!/usr/bin/env bash
# rpz_serve.sh - the act module's RPZ primary (driven by tools/rpz-serve-test) feeding a
# real Unbound secondary: initial transfer, then a published addition reaches Unbound
# by NOTIFY + IXFR (the name becomes blocked within 10 s), then a removal unblocks it;
# the primary's log must show IXFR (not AXFR) served for the updates. kdig checks: an
# IXFR from an old serial returns exactly the expected removals/additions; with a TSIG
# key configured, a signed AXFR succeeds (kdig verifies every message's TSIG), an
# unsigned one is refused, a wrong secret gets NOTAUTH/BADSIG, and BIND 9 as a TSIG
# secondary follows a signed NOTIFY with a signed IXFR; bad TCP input leaves the
# server answering.
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/dns.bash"
DRV=$OODA_BUILD/rpz-serve-test
for b in unbound named kdig; do
  command -v $b >/dev/null || { echo "skip: $b not installed"; exit 77; }
done
[ -x "$DRV" ] || { echo "FAIL: $DRV not built"; exit 1; }
KEY=ooda-test-key
SECRET=c2VjcmV0LWtleS1mb3Itb29kYS10ZXN0cw==
pids=()
cleanup() {
  [ -n "${KEEP:-}" ] && cp -r "$T" "$KEEP"
  exec 3>&- 4>&- 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT

status() {
  kdig -p "$1" @127.0.0.1 +time=2 +retry=0 "$2" A 2>&1 | sed -n 's/.*status: \([A-Z]*\).*/\1/p' | head -1
}
# wait_status PORT NAME WANT: polls for up to 10 s; prints the seconds it took
wait_status() {
  local t0=$SECONDS
  for _ in $(seq 50); do
    [ "$(status "$1" "$2")" == "$3" ] && { echo "ok $((SECONDS - t0))"; return 0; }
    sleep 0.2
  done
  echo "timeout: $(status "$1" "$2")"
}
# xfr_lines ARGS...: kdig transfer output as "owner type rdata" lines (SOA: serial only)
xfr_lines() {
  kdig +time=3 +retry=0 "$@" 2>&1 | awk '/^;/ || NF < 5 {next}
    $4 == "SOA" {print $1, $4, $7; next} {print $1, $4, $5}'
}

# --- authoritative data for unlisted names --------------------------------------------
AUTH=$(free_port)
start_auth "$T/auth" "$AUTH" <<'EOF'
evil IN A 203.0.113.6
new IN A 203.0.113.8
EOF

# --- the primary ------------------------------------------------------------------------
P=$(free_port)
UB=$(free_port)
printf 'evil.example\n192.0.2.0/24\n' >"$T/entries"
mkfifo "$T/cmd"
exec 3<>"$T/cmd"
"$DRV" serve --origin rpz.test --serial 100 --port "$P" --notify "127.0.0.1:$UB" \
  "$T/entries" <"$T/cmd" >"$T/drv.out" 2>"$T/drv.log" &
DRV1=$!
pids+=($DRV1)
wait_line "$T/drv.out" "^port $P serial 100" || fail "driver did not start: $(cat "$T/drv.log")"

# --- Unbound as secondary --------------------------------------------------------------
mkdir -p "$T/unbound"
{
  UNBOUND_VERBOSITY=2 unbound_server "$T/unbound" "$UB" "$AUTH"
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

eq "initial transfer: listed name blocked" "$(wait_status "$UB" evil.example NXDOMAIN | cut -d' ' -f1)" ok
eq "unlisted name before the update" "$(status "$UB" new.example)" NOERROR
axfr_before=$(grep -c 'AXFR started' "$T/drv.log" || true)

# --- publish an addition: NOTIFY -> IXFR -> blocked ---------------------------------------
echo "add new.example" >&3
echo "commit" >&3
wait_line "$T/drv.out" "^serial 101" || fail "publish did not report serial 101"
r=$(wait_status "$UB" new.example NXDOMAIN)
eq "added name blocked within 10 s" "${r%% *}" ok
echo "addition visible after ${r#ok }s"
wait_line "$T/drv.log" "IXFR started, client serial 100, serial 101" ||
  fail "no IXFR 100->101 in the primary's log"
eq "NOTIFY acknowledged" "$(grep -c 'NOTIFY acknowledged by 127.0.0.1' "$T/drv.log")" 1

# --- publish a removal -----------------------------------------------------------------
echo "del new.example" >&3
echo "commit" >&3
wait_line "$T/drv.out" "^serial 102" || fail "publish did not report serial 102"
r=$(wait_status "$UB" new.example NOERROR)
eq "removed name unblocked within 10 s" "${r%% *}" ok
wait_line "$T/drv.log" "IXFR started, client serial 101, serial 102" ||
  fail "no IXFR 101->102 in the primary's log"
eq "no AXFR for the updates" "$(grep -c 'AXFR started' "$T/drv.log" || true)" "$axfr_before"
eq "still blocked after removal of another name" "$(status "$UB" evil.example)" NXDOMAIN

# --- kdig IXFR from an old serial: exact diff sequence -----------------------------------------
want="rpz.test. SOA 102
rpz.test. SOA 100
rpz.test. SOA 101
new.example.rpz.test. CNAME .
*.new.example.rpz.test. CNAME .
rpz.test. SOA 101
new.example.rpz.test. CNAME .
*.new.example.rpz.test. CNAME .
rpz.test. SOA 102
rpz.test. SOA 102"
eq "IXFR=100 diff" "$(xfr_lines -p "$P" @127.0.0.1 IXFR=100 rpz.test)" "$want"
eq "IXFR=102 up to date" "$(xfr_lines -p "$P" @127.0.0.1 IXFR=102 rpz.test)" "rpz.test. SOA 102"
eq "IXFR=7 falls back to the full zone" \
  "$(xfr_lines -p "$P" @127.0.0.1 IXFR=7 rpz.test | wc -l)" 6

# --- bad input on the live primary ---------------------------------------------------------
python3 - "$P" <<'EOF'
import socket, sys, time
p = int(sys.argv[1])
for data in (b"\x00\x40\x01\x02", b"\xff\xff\x00", b"\x00\x03abc", b"\x00\x0c" + b"\x00" * 12):
    s = socket.create_connection(("127.0.0.1", p)); s.sendall(data); time.sleep(0.05); s.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for data in (b"", b"\x01", b"\x00" * 11, b"\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x06\x00\x01"):
    u.sendto(data, ("127.0.0.1", p))
EOF
eq "serves after bad input" "$(xfr_lines -p "$P" @127.0.0.1 rpz.test SOA)" "rpz.test. SOA 102"
grep -q "oversized TCP query" "$T/drv.log" || fail "no log line for the oversized frame"
grep -q "malformed query" "$T/drv.log" || fail "no log line for the malformed query"

# --- TSIG, with BIND 9 as a signed secondary ---------------------------------------------
P2=$(free_port)
BS=$(free_port)
mkfifo "$T/cmd2"
exec 4<>"$T/cmd2"
# 3000 names: the AXFR spans several messages, each signed (RFC 8945 5.3.1)
{ seq -f 'host%g.example' 1 3000; echo evil.example; } >"$T/entries2"
"$DRV" serve --origin rpz.test --serial 7 --port "$P2" --tsig "$KEY:$SECRET" \
  --notify "127.0.0.1:$BS" "$T/entries2" <"$T/cmd2" >"$T/drv2.out" 2>"$T/drv2.log" &
DRV2=$!
pids+=($DRV2)
wait_line "$T/drv2.out" "^port $P2" || fail "TSIG driver did not start"
out=$(kdig -p "$P2" @127.0.0.1 +time=3 +retry=0 -y "hmac-sha256:$KEY:$SECRET" AXFR rpz.test 2>&1)
eq "signed AXFR records" "$(grep -c 'rpz.test.*\(SOA\|NS\|CNAME\)' <<<"$out")" 6005
eq "signed AXFR: no complaint" "$(grep -c 'WARNING\|;; ERROR' <<<"$out" || true)" 0
msgs=$(sed -n 's/.*(\([0-9]*\) messages.*/\1/p' <<<"$out")
[ "${msgs:-0}" -gt 3 ] && ok || fail "signed AXFR in ${msgs:-?} messages, want several"
out=$(kdig -p "$P2" @127.0.0.1 +time=3 +retry=0 AXFR rpz.test 2>&1 || true)
eq "unsigned AXFR refused" "$(grep -c 'REFUSED' <<<"$out")" 1
eq "unsigned AXFR: no records" "$(grep -c 'CNAME' <<<"$out" || true)" 0
out=$(kdig -p "$P2" @127.0.0.1 +time=3 +retry=0 -y "hmac-sha256:$KEY:c2VjcmV0" SOA rpz.test 2>&1 || true)
# kdig shows NOTAUTH + TSIG error BADSIG as the extended status BADSIG
eq "wrong secret: BADSIG" "$(grep -c 'status: BADSIG' <<<"$out")" 1
out=$(kdig -p "$P2" @127.0.0.1 +time=3 +retry=0 -y "hmac-sha256:$KEY:$SECRET" SOA rpz.test 2>&1)
eq "signed SOA over UDP" "$(grep -c 'status: NOERROR' <<<"$out")" 1
grep -q "TSIG error BADSIG" "$T/drv2.log" || fail "no log line for the bad signature"

mkdir -p "$T/bind"
cat >"$T/bind/named.conf" <<EOF
key "$KEY" { algorithm hmac-sha256; secret "$SECRET"; };
options {
  directory "$T/bind"; pid-file "$T/bind/pid"; session-keyfile "$T/bind/skey";
  listen-on port $BS { 127.0.0.1; }; listen-on-v6 { none; };
  recursion yes; allow-recursion { 127.0.0.0/8; }; dnssec-validation no;
  # BIND defers RPZ reloads by min-update-interval (default 60 s)
  response-policy { zone "rpz.test" min-update-interval 0; };
};
controls { };
zone "rpz.test" { type secondary; primaries { 127.0.0.1 port $P2 key "$KEY"; };
  file "rpz.sec"; allow-query { localhost; }; };
zone "example" { type forward; forward only; forwarders { 127.0.0.1 port $AUTH; }; };
EOF
named -g -c "$T/bind/named.conf" >"$T/bind/log" 2>&1 &
pids+=($!)
wait_dns "$BS" example || fail "BIND secondary did not start: $(tail -3 "$T/bind/log")"
eq "BIND: signed initial transfer, listed name blocked" \
  "$(wait_status "$BS" evil.example NXDOMAIN | cut -d' ' -f1)" ok
eq "BIND: unlisted name" "$(status "$BS" new.example)" NOERROR
echo "add new.example" >&4
echo "commit" >&4
wait_line "$T/drv2.out" "^serial 8" || fail "publish did not report serial 8"
r=$(wait_status "$BS" new.example NXDOMAIN)
eq "BIND: added name blocked within 10 s (signed NOTIFY + IXFR)" "${r%% *}" ok
wait_line "$T/drv2.log" "IXFR started, client serial 7, serial 8" ||
  fail "no IXFR 7->8 for BIND in the primary's log"
grep -q "NOTIFY acknowledged" "$T/drv2.log" || fail "BIND did not answer the signed NOTIFY"

# both drivers exit cleanly on "quit" (under ASan: no leak, no error)
echo "quit" >&3
echo "quit" >&4
for d in $DRV1 $DRV2; do
  for _ in $(seq 50); do kill -0 "$d" 2>/dev/null || break; sleep 0.1; done
  rc=0
  wait "$d" || rc=$?
  eq "driver $d exit status" "$rc" 0
done
grep -q "ERROR: AddressSanitizer\|runtime error" "$T"/drv*.log && fail "sanitizer report in the driver log"
finish
