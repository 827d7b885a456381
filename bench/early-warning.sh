#!/usr/bin/env bash
# bench/early-warning.sh - detection delay and false alarms of `ooda alerts`
# (docs/early-warning.md) on generated darknet weeks.
#
# For each outbreak size S (new sources in the outbreak's first hour) and each of SEEDS
# seeds, tools/gen-darknet writes a week (168 hours, PACKETS packets) whose worm starts
# at hour 134 (day 5, 14:00) with --worm-sources 2.5 S hosts (60 % of them start in the
# first hour, at a random time within it, and about two thirds of those send a packet
# before it ends, so the first hour gets about 0.4 of them: the "new-in-hour" column is
# the exact count from the generator's ground truth, all new sources of the worm's port
# and class in that hour; "worm-added" subtracts the median of the same hour on the
# earlier days); the week is ingested into a fresh database and `ooda alerts` run.
# Delay = hours from the outbreak's start to the start of the first alert on the worm's
# port and class starting at or after it ("missed" if none); any other alert counts as a
# false alarm ("worm-alerts" counts the alerts on the worm's pair from its start: 1 when
# the outbreak makes one alert). QUIET quiet weeks (no worm, other seeds) give the false alarms per week.
# Target (issue 4): S >= 200 detected with delay 0; <= 1 false alarm per quiet week.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PACKETS=${PACKETS:-1000000}
SIZES=${SIZES:-10 25 50 100 200 400}
SEEDS=${SEEDS:-3}
QUIET=${QUIET:-20}
DATA=${BENCH_DATA:-/tmp/ooda-bench}
HOUR=134
mkdir -p "$DATA"
W="$DATA/ew-$$"
trap 'rm -f "$W".pcap "$W".json "$W".db "$W".db-wal "$W".db-shm "$W".alerts' EXIT

# week SEED WORM_SOURCES: generates, ingests and runs the detector; alerts in $W.alerts.
week() {
  rm -f "$W".db "$W".db-wal "$W".db-shm
  "$BUILD"/gen-darknet --out "$W.pcap" --truth "$W.json" --hours 168 --packets "$PACKETS" \
    --seed "$1" --worm-hour "$HOUR" --worm-sources "$2" >/dev/null 2>&1
  "$BUILD"/ooda ingest --quiet --sensor bench --db "$W.db" "$W.pcap" >/dev/null
  "$BUILD"/ooda alerts --json --db "$W.db" >"$W.alerts"
}

start=$(date +%s)
printf '%-6s %-6s %-13s %-12s %-10s %-6s %-12s %s\n' size seed worm-sources new-in-hour worm-added delay worm-alerts other-alerts
false_outbreak=0
detected_200=0
total_200=0
for s in $SIZES; do
  for k in $(seq "$SEEDS"); do
    seed=$((100 * s + k))
    n=$(((s * 5 + 1) / 2))
    week "$seed" "$n"
    read -r port cls t0 <<<"$(jq -r '.worm | "\(.port) \(.class) \(.start_hour)"' "$W.json")"
    got=$(jq --argjson p "$port" --argjson t "$t0" \
      '[.port_hours[] | select(.port == $p and .class == "tcp_syn" and .hour == $t) | .new_sources] | add // 0' "$W.json")
    base=$(jq --argjson p "$port" --argjson t "$t0" \
      '[.port_hours[] | select(.port == $p and .class == "tcp_syn" and .hour < $t and (($t - .hour) % 86400) == 0) | .new_sources] | sort | if length == 0 then 0 else .[length / 2 | floor] end' "$W.json")
    added=$((got - base))
    delay=$(jq -r --argjson p "$port" --arg c "$cls" --argjson t "$t0" \
      '[.[] | select(.port == $p and .class == $c) | (.start_hour | fromdateiso8601) - $t | select(. >= 0)] | min | if . == null then "missed" else (. / 3600 | tostring) end' "$W.alerts")
    other=$(jq --argjson p "$port" --arg c "$cls" --argjson t "$t0" \
      '[.[] | select((.port == $p and .class == $c and (.start_hour | fromdateiso8601) >= $t) | not)] | length' "$W.alerts")
    wn=$(jq --argjson p "$port" --arg c "$cls" --argjson t "$t0" \
      '[.[] | select(.port == $p and .class == $c and (.start_hour | fromdateiso8601) >= $t)] | length' "$W.alerts")
    false_outbreak=$((false_outbreak + other))
    if [ "$added" -ge 200 ]; then
      total_200=$((total_200 + 1))
      [ "$delay" = 0 ] && detected_200=$((detected_200 + 1))
    fi
    printf '%-6s %-6s %-13s %-12s %-10s %-6s %-12s %s\n' "$s" "$seed" "$n" "$got" "$added" "$delay" "$wn" "$other"
  done
done

fa=0
max=0
for k in $(seq "$QUIET"); do
  week "$((7000 + k))" 0
  n=$(jq length "$W.alerts")
  fa=$((fa + n))
  [ "$n" -gt "$max" ] && max=$n
  echo "quiet week seed $((7000 + k)): $n false alarms $(jq -c '[.[] | "\(.port)/\(.class)@\(.start_hour)"]' "$W.alerts")"
done
echo "outbreaks adding >= 200 new sources in the first hour: $detected_200 of $total_200 detected in that hour"
echo "false alarms in outbreak weeks (other alerts): $false_outbreak"
awk -v f="$fa" -v q="$QUIET" -v m="$max" \
  'BEGIN { printf "quiet weeks: %d, false alarms %d (%.2f per week, at most %d in one week)\n", q, f, f / q, m }'
echo "packets per week: $PACKETS; run time $(($(date +%s) - start)) s"
