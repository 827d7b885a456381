#!/usr/bin/env bash
# bench/lookup-http.sh - the HTTP lookup API under load against nginx in the same run.
#
# A database with N listed domains (tools/gen-querylog's indicator list, fixed seed) and
# a token; `ooda serve --http` on loopback. wrk (2 threads, CONNS keep-alive connections,
# DURATION s) sends GET /api/v1/lookup?q=... with the bearer token, cycling through
# listed names, subdomains of listed names and unlisted names. The peer is nginx
# serving a static 200 response of the same size (`return 200`), the ceiling of an
# HTTP server on this machine. Medians of RUNS runs; p99 latency from wrk --latency.
# CONNS defaults to 8: on this 2-core machine wrk's 2 threads and the server's 2 workers
# share the cores, and more connections only add queueing (CONNS=32: same rate, p99 3 ms).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNS=${RUNS:-3}
N=${N:-100000}
DURATION=${DURATION:-10}
CONNS=${CONNS:-8}
DATA=${BENCH_DATA:-/tmp/ooda-bench}
mkdir -p "$DATA"
for b in wrk nginx; do
  command -v $b >/dev/null || { echo "bench/lookup-http: $b not installed" >&2; exit 1; }
done
ind="$DATA/lookup-ind-$N.txt"
if [ ! -s "$ind" ]; then
  "$BUILD"/gen-querylog --indicators "$ind" --log "$DATA/lookup-q.log" \
    --truth "$DATA/lookup-q.json" --domains "$N" --queries 1000 --format plain --seed 2026
fi
W=$(mktemp -d /tmp/ooda-lookup-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$W"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

export OODA_DB="$W/lookup.db"
"$BUILD"/ooda feed add bench --format plain --file "$ind" >/dev/null
"$BUILD"/ooda feed pull bench >/dev/null
TOK=$("$BUILD"/ooda token add bench --clearance amber 2>/dev/null)
P=$(free_port)
"$BUILD"/ooda serve --http "127.0.0.1:$P" --threads 2 2>"$W/serve.err" &
pids+=($!)
for _ in $(seq 300); do grep -q ready "$W/serve.err" && break; sleep 0.1; done
grep -q ready "$W/serve.err" || { cat "$W/serve.err" >&2; exit 1; }

# query mix: 1/3 listed names, 1/3 subdomains of listed names, 1/3 unlisted
head -n 300 "$ind" | awk '{print $1; print "www." $1; print "nx" NR ".unlisted.example"}' \
  >"$W/queries"
body_size=$(curl -s -H "Authorization: Bearer $TOK" \
  "http://127.0.0.1:$P/api/v1/lookup?q=$(head -1 "$ind")" | wc -c)
lua_list=$(awk '{printf "%s\"%s\"", (NR > 1 ? "," : ""), $1}' "$W/queries")
cat >"$W/ooda.lua" <<EOF
local q = {$lua_list}
local i = 0
wrk.headers["Authorization"] = "Bearer $TOK"
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/lookup?q=" .. q[(i % #q) + 1])
end
EOF
NP=$(free_port)
mkdir -p "$W/nginx"
printf '%*s' "$((body_size - 1))" '' | tr ' ' 'x' >"$W/body"
cat >"$W/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $W/nginx/pid;
error_log $W/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $W/nginx; proxy_temp_path $W/nginx; fastcgi_temp_path $W/nginx;
  uwsgi_temp_path $W/nginx; scgi_temp_path $W/nginx;
  server {
    listen 127.0.0.1:$NP;
    location / { default_type application/json; return 200 '$(cat "$W/body")'; }
  }
}
EOF
nginx -c "$W/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 0.5

# wrk OUTFILE ARGS...: prints "requests/s p99-ms"
run_wrk() {
  local out=$1; shift
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@" >"$out" 2>&1
  rps=$(awk '/Requests\/sec/ {print $2}' "$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$out")
  echo "$rps $p99"
}
o_rps=(); o_p99=(); n_rps=(); n_p99=()
for i in $(seq "$RUNS"); do
  read -r r p < <(run_wrk "$W/wrk.ooda" -s "$W/ooda.lua" "http://127.0.0.1:$P")
  o_rps+=("$r"); o_p99+=("$p")
  grep -q "Non-2xx" "$W/wrk.ooda" && { echo "bench/lookup-http: ooda answered non-2xx" >&2; cat "$W/wrk.ooda" >&2; exit 1; }
  read -r r p < <(run_wrk "$W/wrk.nginx" "http://127.0.0.1:$NP/")
  n_rps+=("$r"); n_p99+=("$p")
done
om=$(printf '%s\n' "${o_rps[@]}" | median)
op=$(printf '%s\n' "${o_p99[@]}" | median)
nm=$(printf '%s\n' "${n_rps[@]}" | median)
np=$(printf '%s\n' "${n_p99[@]}" | median)
echo "bench/lookup-http: $N listed domains, responses of $body_size bytes, wrk -t2 -c$CONNS -d${DURATION}s, median of $RUNS"
printf '  ooda lookup API : %10.0f lookups/s   p99 %6.2f ms   (runs: %s)\n' "$om" "$op" "${o_rps[*]}"
printf '  nginx static 200: %10.0f requests/s  p99 %6.2f ms   (runs: %s)\n' "$nm" "$np" "${n_rps[*]}"
awk -v o="$om" -v n="$nm" 'BEGIN {printf "  ratio ooda/nginx: %.2f   targets: >= 50000 lookups/s, p99 <= 2 ms\n", o / n}'
