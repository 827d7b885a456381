#!/usr/bin/env bash
# bench/darknet.sh - darknet ingest speed and memory against tcpdump in the same run.
#
# A generated 20M-packet pcap (tools/gen-darknet, fixed seed) is read by
#   peer:  tcpdump -r FILE -w /dev/null     (a copy that analyses nothing)
#   ooda:  ooda ingest --sensor bench FILE  (decode, classify, aggregate, store into a
#          fresh SQLite database, commit)
# RUNS times each, alternating; medians are reported. ooda is pinned to one core.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNS=${RUNS:-5}
PACKETS=${PACKETS:-20000000}
DATA=${BENCH_DATA:-/tmp/ooda-bench}
mkdir -p "$DATA"
pcap="$DATA/darknet-$PACKETS.pcap"
truth="$DATA/darknet-$PACKETS.json"
if [ ! -s "$pcap" ]; then
  echo "bench/darknet: generating $PACKETS packets -> $pcap" >&2
  "$BUILD"/gen-darknet --out "$pcap" --truth "$truth" --packets "$PACKETS" --seed 2026
fi
frames=$(jq .frames "$truth")
packets=$(jq .packets "$truth")
size=$(stat -c %s "$pcap")
cat "$pcap" >/dev/null # warm the page cache for both contenders

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

tcp_t=(); ooda_t=(); ooda_rss=(); tcp_rss=(); mem_per=(); src_per=()
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "%e %M" -o "$DATA/t.tcpdump" taskset -c 1 tcpdump -q -r "$pcap" -w /dev/null 2>/dev/null
  read -r t m <"$DATA/t.tcpdump"; tcp_t+=("$t"); tcp_rss+=("$m")
  rm -f "$DATA"/bench.db "$DATA"/bench.db-wal "$DATA"/bench.db-shm
  /usr/bin/time -f "%e %M" -o "$DATA/t.ooda" taskset -c 1 "$BUILD"/ooda ingest --quiet --json \
    --darknet 198.51.0.0/16,2001:db8:dd00::/40 \
    --sensor bench --db "$DATA/bench.db" "$pcap" >"$DATA/ooda.json"
  read -r t m <"$DATA/t.ooda"; ooda_t+=("$t"); ooda_rss+=("$m")
  mem_per+=("$(jq '.peak_aggregate_bytes / .peak_sources' "$DATA/ooda.json")")
  src_per+=("$(jq '.peak_source_state_bytes / .peak_sources' "$DATA/ooda.json")")
done
# Once more with a darknet that is not within one /16 (32-bit destination keys): memory.
rm -f "$DATA"/wide.db "$DATA"/wide.db-wal "$DATA"/wide.db-shm
taskset -c 1 "$BUILD"/ooda ingest --quiet --json --darknet 198.50.0.0/15,2001:db8:dd00::/40 \
  --sensor bench --db "$DATA/wide.db" "$pcap" >"$DATA/wide.json"
wide_per=$(jq '.peak_source_state_bytes / .peak_sources' "$DATA/wide.json")
rm -f "$DATA"/wide.db "$DATA"/wide.db-wal "$DATA"/wide.db-shm
got=$(jq '.files[0].packets' "$DATA/ooda.json")
if [ "$got" != "$packets" ]; then
  echo "bench/darknet: ooda counted $got darknet packets, ground truth says $packets" >&2
  exit 1
fi
sources=$(jq '.peak_sources' "$DATA/ooda.json")
tt=$(printf '%s\n' "${tcp_t[@]}" | median)
ot=$(printf '%s\n' "${ooda_t[@]}" | median)
orss=$(printf '%s\n' "${ooda_rss[@]}" | median)
trss=$(printf '%s\n' "${tcp_rss[@]}" | median)
mper=$(printf '%s\n' "${mem_per[@]}" | median)
sper=$(printf '%s\n' "${src_per[@]}" | median)
awk -v f="$frames" -v s="$size" -v tt="$tt" -v ot="$ot" -v orss="$orss" -v trss="$trss" \
    -v src="$sources" -v mper="$mper" -v sper="$sper" -v runs="$RUNS" -v wper="$wide_per" 'BEGIN {
  printf "bench/darknet: %d frames, %.0f MB, %d distinct sources, median of %d runs, 1 core\n", f, s/1e6, src, runs
  printf "  %-34s %8s %12s %10s %12s\n", "", "seconds", "M packets/s", "MB/s", "peak RSS MB"
  printf "  %-34s %8.2f %12.2f %10.0f %12.1f\n", "ooda ingest (decode..store)", ot, f/ot/1e6, s/ot/1e6, orss/1024
  printf "  %-34s %8.2f %12.2f %10.0f %12.1f\n", "tcpdump -r FILE -w /dev/null", tt, f/tt/1e6, s/tt/1e6, trss/1024
  printf "  ratio (tcpdump time / ooda time): %.2f\n", tt/ot
  printf "  aggregate memory per distinct source: %.1f bytes, of which %.1f grow with sources\n", mper, sper
  printf "  (the rest: hourly port/country/ASN counters); peak RSS per source: %.1f bytes\n", orss*1024/src
  printf "  growing memory per source when the IPv4 darknet is not within one /16: %.1f bytes\n", wper
}'
