#!/usr/bin/env bash
# bench/rpz.sh - RPZ delivery at scale, with a real Unbound as the consumer.
#
# N listed domains (tools/gen-querylog's indicator list, fixed seed) are pulled into a
# fresh database as a plain feed (timed, reported apart). Then:
#   export:  ooda export rpz --zone bench.rpz --output FILE   (median of RUNS)
#   serve:   ooda serve --rpz: resident memory per entry after the first publish, and
#            after publishing an update of CHANGES entries (half removed, half added)
#   IXFR:    kdig IXFR from the previous serial: the time to receive the whole answer
#   Unbound: time from start until its rpz: clause has transferred the N-entry zone
#            from ooda (a listed name answers NXDOMAIN), the peer's own load time
#            (UNBOUND=0 skips it: at 10M it takes minutes and 13 GB).
# serve memory is sampled (RssAnon, every 50 ms) while the update is pulled and published:
# the peak anonymous memory during the update is the "flat" figure.
# Targets (issue 3): export <= 10 s at 10M, IXFR of 1,000 changes <= 100 ms, serving
# memory <= 100 bytes per entry and flat during updates.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNS=${RUNS:-3}
N=${N:-10000000}
CHANGES=${CHANGES:-1000}
UNBOUND=${UNBOUND:-1}
DATA=${BENCH_DATA:-/tmp/ooda-bench}
mkdir -p "$DATA"
for b in unbound kdig; do
  command -v $b >/dev/null || { echo "bench/rpz: $b not installed" >&2; exit 1; }
done
ind="$DATA/rpz-ind-$N.txt"
if [ ! -s "$ind" ]; then
  echo "bench/rpz: generating $N domains -> $ind" >&2
  "$BUILD"/gen-querylog --indicators "$ind" --log "$DATA/rpz-q.log" --truth "$DATA/rpz-q.json" \
    --domains "$N" --queries 10 --format plain --seed 2026
fi
W=$(mktemp -d "$DATA/rpz-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$W"
}
trap cleanup EXIT
source tests/integration/dns.bash # free_port
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# anonymous memory only: the database file, read through mmap, counts in VmRSS as file
# pages the kernel can drop at will; RssAnon is what the process itself holds
anon_kb() { awk '/^RssAnon/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
soa_serial() { kdig -p "$1" @127.0.0.1 +short +time=2 +retry=0 bench.rpz SOA | awk '{print $3}' || true; }

export OODA_DB="$W/rpz.db"
cp "$ind" "$W/feed.txt"
"$BUILD"/ooda feed add bench --format plain --file "$W/feed.txt" --grace 0 >/dev/null
t0=$(now)
"$BUILD"/ooda feed pull bench >/dev/null
pull_s=$(awk -v a="$t0" -v b="$(now)" 'BEGIN {print b - a}')

exp_t=(); exp_cpu=()
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "%e %M %U %S" -o "$W/t.export" taskset -c 1 "$BUILD"/ooda export rpz \
    --zone bench.rpz --output "$W/zone"
  read -r t m u s <"$W/t.export"; exp_t+=("$t"); exp_rss=$m
  exp_cpu+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')")
done
zone_bytes=$(stat -c %s "$W/zone")
triggers=$(grep -c 'CNAME' "$W/zone")

P=$(free_port)
UB=$(free_port)
"$BUILD"/ooda serve --rpz "127.0.0.1:$P" --zone bench.rpz --notify "127.0.0.1:$UB" \
  --poll 0.5 --rebuild 86400 2>"$W/serve.log" &
SP=$!
pids+=($SP)
for _ in $(seq 1200); do grep -q ready "$W/serve.log" && break; sleep 0.5; done
grep -q ready "$W/serve.log" || { cat "$W/serve.log" >&2; exit 1; }
rss0=$(anon_kb $SP)
file0=$(rss_kb $SP)

ub_s=skipped; ub_rss=0
if [ "$UNBOUND" != 0 ]; then
# Unbound: transfers the whole zone from ooda at start
mkdir -p "$W/unbound"
cat >"$W/unbound/unbound.conf" <<EOF
server:
  interface: 127.0.0.1
  port: $UB
  do-ip6: no
  username: ""
  chroot: ""
  directory: "$W/unbound"
  pidfile: "$W/unbound/pid"
  use-syslog: no
  do-daemonize: no
  verbosity: 1
  module-config: "respip iterator"
  access-control: 127.0.0.0/8 allow
rpz:
  name: "bench.rpz."
  primary: 127.0.0.1@$P
  allow-notify: 127.0.0.1
EOF
probe=$(tail -n 1 "$ind")
t0=$(now)
unbound -d -c "$W/unbound/unbound.conf" >"$W/unbound/log" 2>&1 &
UP=$!
pids+=($UP)
ub_s=timeout
for _ in $(seq 6000); do
  st=$(kdig -p "$UB" @127.0.0.1 +time=1 +retry=0 "$probe" A 2>/dev/null | sed -n 's/.*status: \([A-Z]*\).*/\1/p' | head -1 || true)
  if [ "$st" == NXDOMAIN ]; then ub_s=$(awk -v a="$t0" -v b="$(now)" 'BEGIN {print b - a}'); break; fi
  sleep 0.1
done
ub_rss=$(rss_kb $UP)

fi

# an update of CHANGES entries: the first CHANGES/2 names dropped, CHANGES/2 new ones
s0=$(soa_serial "$P")
half=$((CHANGES / 2))
{ tail -n +"$((half + 1))" "$ind"; seq -f "bench-new-%g.example" 1 "$half"; } >"$W/feed.txt"
# peak anonymous memory while the update is pulled and published
echo "$rss0" >"$W/peak"
( trap 'exit 0' TERM
  peak=$rss0
  while :; do
    a=$(anon_kb $SP 2>/dev/null || echo 0); [ "${a:-0}" -gt "$peak" ] && { peak=$a; echo "$peak" >"$W/peak"; }
    sleep 0.05
  done ) &
SAMP=$!
pids+=($SAMP)
"$BUILD"/ooda feed pull bench >/dev/null
for _ in $(seq 1200); do [ "$(soa_serial "$P")" != "$s0" ] && break; sleep 0.5; done
s1=$(soa_serial "$P")
sleep 1 # the publish frees what it used after the serial changes
kill "$SAMP" 2>/dev/null || true; wait "$SAMP" 2>/dev/null || true
peak_upd=$(cat "$W/peak")
rss1=$(anon_kb $SP)
hwm=$(hwm_kb $SP)
ixfr_t=(); ixfr_rr=0
for i in $(seq "$RUNS"); do
  t0=$(now)
  kdig -p "$P" @127.0.0.1 +time=10 +retry=0 IXFR="$s0" bench.rpz >"$W/ixfr.out" 2>&1 || true
  ixfr_t+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN {print (b - a) * 1000}')")
  ixfr_rr=$(awk '!/^;/ && NF >= 5' "$W/ixfr.out" | wc -l)
done

em=$(printf '%s\n' "${exp_t[@]}" | median)
ec=$(printf '%s\n' "${exp_cpu[@]}" | median)
im=$(printf '%s\n' "${ixfr_t[@]}" | median)
echo "bench/rpz: $N listed domains ($triggers triggers, zone file $zone_bytes bytes), median of $RUNS"
printf '  feed pull of %d lines      : %8.1f s (once, not a target)\n' "$N" "$pull_s"
printf '  ooda export rpz            : %8.2f s  CPU %.2f s  peak RSS %d MB  (runs: %s; CPU %s)  target <= 10 s at 10M\n' \
  "$em" "$ec" "$((exp_rss / 1024))" "${exp_t[*]}" "${exp_cpu[*]}"
printf '  IXFR %d changes (serial %s -> %s): %6.1f ms, %d records  (runs: %s)  target <= 100 ms\n' \
  "$CHANGES" "$s0" "$s1" "$im" "$ixfr_rr" "${ixfr_t[*]}"
awk -v a="$rss0" -v b="$rss1" -v p="$peak_upd" -v h="$hwm" -v f="$file0" -v n="$N" 'BEGIN {
  printf "  serve memory per entry     : %8.1f B anonymous after start, %.1f B after the update, %.1f B peak during the update; peak RSS of the process %.1f B (RSS with file pages after start %.1f B)  target <= 100, flat\n",
    a * 1024 / n, b * 1024 / n, p * 1024 / n, h * 1024 / n, f * 1024 / n }'
printf '  Unbound: zone transferred and loaded from ooda in %s s, RSS %d MB\n' "$ub_s" "$((ub_rss / 1024))"
