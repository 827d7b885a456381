#!/usr/bin/env bash
# bench/eve.sh - Suricata EVE ingest speed against jq in the same run.
#
# tools/gen-eve (fixed seed) writes a SIZE-byte EVE file (default 400 MB: flow, dns,
# http, tls, alert, fileinfo; 1 % of 50,000 hosts talk to a C&C) and the C&C list,
# which is pulled into a base database as a feed. Then, RUNS times each, alternating:
#   peer:  jq -c . FILE > /dev/null        (parse and re-print every line)
#   ooda:  ooda ingest --sensor bench FILE (parse, match every name/address against the
#          listed indicators, aggregate, store into a copy of the base database, commit)
# and, for calibration, parse alone (tools/json-rate, file already in memory): cJSON
# building a DOM per line, and ooda's scanner. Medians; each contender pinned to one
# core. Target (issue 4): ooda >= 120 MB/s and >= 3x jq.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNS=${RUNS:-3}
SIZE=${SIZE:-400000000}
DATA=${BENCH_DATA:-/tmp/ooda-bench}
CORE=${CORE:-1}
command -v jq >/dev/null || { echo "bench/eve: jq not installed" >&2; exit 1; }
mkdir -p "$DATA"
eve="$DATA/eve-$SIZE.json"
truth="$DATA/eve-$SIZE.truth.json"
c2="$DATA/eve-$SIZE.c2.txt"
if [ ! -s "$eve" ] || [ ! -s "$truth" ]; then
  echo "bench/eve: generating $SIZE bytes -> $eve" >&2
  "$BUILD"/gen-eve --out "$eve" --truth "$truth" --bytes "$SIZE" --hosts 50000 \
    --indicators "$c2" --seed 2026
fi
W=$(mktemp -d "$DATA/eve-XXXXXX")
trap 'rm -rf "$W"' EXIT
"$BUILD"/ooda feed add c2 --format plain --file "$c2" --db "$W/base.db" >/dev/null
"$BUILD"/ooda feed pull c2 --db "$W/base.db" >/dev/null
size=$(stat -c %s "$eve")
cat "$eve" >/dev/null # warm the page cache for both contenders

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

jq_t=(); jq_c=(); o_t=(); o_c=(); o_rss=()
for i in $(seq "$RUNS"); do
  /usr/bin/time -f "%e %U %S" -o "$W/t.jq" taskset -c "$CORE" jq -c . "$eve" >/dev/null
  read -r t u s <"$W/t.jq"; jq_t+=("$t"); jq_c+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')")
  cp "$W/base.db" "$W/run.db"
  /usr/bin/time -f "%e %U %S %M" -o "$W/t.ooda" taskset -c "$CORE" "$BUILD"/ooda ingest \
    --quiet --json --sensor bench --db "$W/run.db" "$eve" >"$W/ooda.json"
  read -r t u s m <"$W/t.ooda"; o_t+=("$t"); o_c+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')"); o_rss+=("$m")
  rm -f "$W"/run.db*
done
for k in events rejected; do
  want=$(jq ".${k/rejected/bad}" "$truth")
  got=$(jq ".files[0].$k" "$W/ooda.json")
  [ "$got" = "$want" ] || { echo "bench/eve: ooda counted $got $k, ground truth says $want" >&2; exit 1; }
done
rate() { taskset -c "$CORE" "$BUILD"/json-rate "$1" "$eve" 3 | awk '{print $(NF-1)}'; }
cj=$(rate cjson)
js=$(rate jscan)
jt=$(printf '%s\n' "${jq_t[@]}" | median); jc=$(printf '%s\n' "${jq_c[@]}" | median)
ot=$(printf '%s\n' "${o_t[@]}" | median); oc=$(printf '%s\n' "${o_c[@]}" | median)
orss=$(printf '%s\n' "${o_rss[@]}" | median)
lines=$(jq .lines "$truth")
awk -v s="$size" -v n="$lines" -v jt="$jt" -v jc="$jc" -v ot="$ot" -v oc="$oc" -v rss="$orss" \
    -v cj="$cj" -v js="$js" -v runs="$RUNS" 'BEGIN {
  printf "bench/eve: %.0f MB, %d lines, median of %d runs, 1 core\n", s/1e6, n, runs
  printf "  %-44s %8s %8s %10s %12s\n", "", "seconds", "CPU s", "MB/s", "peak RSS MB"
  printf "  %-44s %8.2f %8.2f %10.0f %12.1f\n", "ooda ingest (parse, match, aggregate, store)", ot, oc, s/ot/1e6, rss/1024
  printf "  %-44s %8.2f %8.2f %10.0f\n", "jq -c . FILE > /dev/null", jt, jc, s/jt/1e6
  printf "  ratio (jq time / ooda time): %.1f (CPU time: %.1f)\n", jt/ot, jc/oc
  printf "  parse alone, file in memory: cJSON %.0f MB/s, ooda scanner %.0f MB/s (%.1fx)\n", cj, js, js/cj
}'
