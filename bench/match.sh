#!/usr/bin/env bash
# bench/match.sh - log matching speed and memory against a Python set in the same run.
#
# tools/gen-querylog (fixed seed) writes N indicator domains and an M-line query log
# (FORMAT plain or unbound, ~1% hits, many of them subdomains of listed names) with its
# ground truth. Both contenders read the same list and the same log, RUNS times each,
# alternating, and print every hit:
#   peer:  python3, a set of the listed names; per line: parse, lowercase, drop the
#          trailing dot, then look the name and each parent domain up (the same walk)
#   ooda:  ooda match --indicators LIST LOG (mmap, parse in place, batched suffix hashes)
# Matching time includes parsing; loading the list and building the set / snapshot are
# timed separately. Medians are reported; both are pinned to one core. On a busy
# machine the CPU-time figures (thread CPU seconds) are the fair ones: both are given.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNS=${RUNS:-3}
N=${N:-1000000}
M=${M:-10000000}
FORMAT=${FORMAT:-plain}
DATA=${BENCH_DATA:-/tmp/ooda-bench}
CORE=${CORE:-1}
mkdir -p "$DATA"
ind="$DATA/match-ind-$N.txt"
log="$DATA/match-$FORMAT-$N-$M.log"
truth="$DATA/match-$FORMAT-$N-$M.json"
if [ ! -s "$log" ] || [ ! -s "$truth" ]; then
  echo "bench/match: generating $N indicators, $M $FORMAT lines -> $log" >&2
  "$BUILD"/gen-querylog --indicators "$ind" --log "$log" --truth "$truth" --domains "$N" \
    --queries "$M" --format "$FORMAT" --seed 2026
fi
: >"$DATA/match-empty.txt"
cat "$ind" "$log" >/dev/null # warm the page cache for both contenders

cat >"$DATA/match_peer.py" <<'EOF'
import json, sys, time
fmt, ind, log = sys.argv[1], sys.argv[2], sys.argv[3]
w0, c0 = time.perf_counter(), time.process_time()
listed = set()
with open(ind, encoding="ascii", errors="replace") as f:
    for line in f:
        v = line.strip()
        if v and not v.startswith("#"):
            listed.add(v.lower())
w1, c1 = time.perf_counter(), time.process_time()
queries = hits = 0
out = sys.stdout
with open(log, encoding="ascii", errors="replace") as f:
    for line in f:
        if fmt == "plain":
            name = line.strip()
        else:
            parts = line.split()
            if len(parts) != 7 or parts[2] != "info:":
                continue
            name = parts[4]
        if not name:
            continue
        name = name.lower()
        if name.endswith("."):
            name = name[:-1]
        queries += 1
        n = name
        while True:
            if n in listed:
                hits += 1
                out.write("%s %s\n" % (name, n))
                break
            i = n.find(".")
            if i < 0:
                break
            n = n[i + 1:]
w2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"queries": queries, "hits": hits, "build_seconds": w1 - w0,
                  "scan_seconds": w2 - w1, "scan_cpu_seconds": c2 - c1}), file=sys.stderr)
EOF

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

py_w=(); py_c=(); py_b=(); o_w=(); o_c=(); o_l=(); o_b=(); o_rss=()
for i in $(seq "$RUNS"); do
  taskset -c "$CORE" python3 "$DATA/match_peer.py" "$FORMAT" "$ind" "$log" >/dev/null \
    2>"$DATA/peer.json"
  py_w+=("$(jq .scan_seconds "$DATA/peer.json")"); py_c+=("$(jq .scan_cpu_seconds "$DATA/peer.json")")
  py_b+=("$(jq .build_seconds "$DATA/peer.json")")
  /usr/bin/time -f "%M" -o "$DATA/t.match" taskset -c "$CORE" "$BUILD"/ooda match --json \
    --format "$FORMAT" --indicators "$ind" "$log" >"$DATA/ooda-hits.json"
  tail -n 1 "$DATA/ooda-hits.json" >"$DATA/ooda.json"
  o_w+=("$(jq .scan_seconds "$DATA/ooda.json")"); o_c+=("$(jq .scan_cpu_seconds "$DATA/ooda.json")")
  o_l+=("$(jq .load_seconds "$DATA/ooda.json")"); o_b+=("$(jq .build_seconds "$DATA/ooda.json")")
  o_rss+=("$(cat "$DATA/t.match")")
done
# Peak RSS with an empty list over the same log: the delta is what the indicators cost.
/usr/bin/time -f "%M" -o "$DATA/t.empty" taskset -c "$CORE" "$BUILD"/ooda match --quiet \
  --format "$FORMAT" --indicators "$DATA/match-empty.txt" "$log" >/dev/null
rss0=$(cat "$DATA/t.empty")

for k in queries hits; do
  got=$(jq ".$k" "$DATA/ooda.json"); want=$(jq ".$k" "$truth"); peer=$(jq ".$k" "$DATA/peer.json")
  if [ "$got" != "$want" ] || [ "$peer" != "$want" ]; then
    echo "bench/match: $k: ooda $got, python $peer, ground truth $want" >&2
    exit 1
  fi
done
nhits=$(($(wc -l <"$DATA/ooda-hits.json") - 1))
if [ "$nhits" != "$(jq .hits "$truth")" ]; then
  echo "bench/match: ooda printed $nhits hits, ground truth says $(jq .hits "$truth")" >&2
  exit 1
fi
q=$(jq .queries "$truth")
bpi=$(jq .bytes_per_indicator "$DATA/ooda.json")
m() { printf '%s\n' "$@" | median; }
awk -v q="$q" -v n="$N" -v runs="$RUNS" -v fmt="$FORMAT" -v size="$(stat -c %s "$log")" \
    -v ow="$(m "${o_w[@]}")" -v oc="$(m "${o_c[@]}")" -v ol="$(m "${o_l[@]}")" \
    -v ob="$(m "${o_b[@]}")" -v pw="$(m "${py_w[@]}")" -v pc="$(m "${py_c[@]}")" \
    -v pb="$(m "${py_b[@]}")" -v orss="$(m "${o_rss[@]}")" -v rss0="$rss0" -v bpi="$bpi" 'BEGIN {
  printf "bench/match: %d indicator domains, %d %s lines (%.0f MB), median of %d runs, 1 core\n", n, q, fmt, size/1e6, runs
  printf "  %-36s %10s %10s %14s %14s\n", "matching (parse included)", "wall s", "CPU s", "M lookups/s", "M lookups/CPU s"
  printf "  %-36s %10.3f %10.3f %14.2f %14.2f\n", "ooda match", ow, oc, q/ow/1e6, q/oc/1e6
  printf "  %-36s %10.3f %10.3f %14.2f %14.2f\n", "python3 set, parent-domain walk", pw, pc, q/pw/1e6, q/pc/1e6
  printf "  ratio (python time / ooda time): %.1f wall, %.1f CPU\n", pw/ow, pc/oc
  printf "  ooda: reading + canonicalising the list %.2f s, building the snapshot %.2f s\n", ol, ob
  printf "  python: reading the list into a set %.2f s\n", pb
  printf "  snapshot bytes per indicator beyond the strings: %.1f\n", bpi
  printf "  peak RSS %.1f MB; delta over an empty list per indicator: %.1f bytes\n", orss/1024, (orss-rss0)*1024/n
}'
