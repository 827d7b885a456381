#!/usr/bin/env bash
# Generated indicator lists and query logs with ground truth (tools/gen-querylog) ->
# ooda match, in every format, from a plain list (--indicators) and from the store (feed
# add + feed pull): lines, queries, hits, malformed and skipped counts and the hits of
# every indicator equal the truth exactly. Also: format detection, --json hit objects,
# the text output, malformed-line reports, and the exit codes.
source "$(dirname "$0")/lib.bash"
QGEN=$OODA_BUILD/gen-querylog

# hits per indicator from ooda's JSON lines, as sorted "name count" lines
per_ind() { head -n -1 "$1" | jq -r .indicator | sort | uniq -c | awk '{print $2, $1}' | sort; }
want_ind() { jq -r '.hits_by_indicator | to_entries[] | "\(.key) \(.value)"' "$1" | sort; }

check_truth() { # NAME OUT TRUTH
  local sum
  sum=$(tail -n 1 "$2")
  for k in lines queries hits malformed skipped; do
    eq "$1.$k" "$(jq ".$k" <<<"$sum")" "$(jq ".$k" "$3")"
  done
  eq "$1.printed_hits" "$(($(wc -l <"$2") - 1))" "$(jq .hits "$3")"
  if per_ind "$2" | cmp -s - <(want_ind "$3"); then ok; else fail "$1: hits per indicator differ"; fi
}

seed=3
for fmt in plain unbound bind-querylog zeek-dns squid; do
  seed=$((seed + 1))
  "$QGEN" --indicators "$T/i-$fmt.txt" --log "$T/q-$fmt.log" --truth "$T/t-$fmt.json" \
    --domains 5000 --queries 60000 --format "$fmt" --malformed 7 --seed "$seed"
  # explicit format
  rc=0
  "$OODA" match --json --format "$fmt" --indicators "$T/i-$fmt.txt" "$T/q-$fmt.log" \
    >"$T/o-$fmt.json" 2>"$T/e-$fmt.txt" || rc=$?
  eq "$fmt.exit" "$rc" 65 # the malformed lines
  check_truth "$fmt" "$T/o-$fmt.json" "$T/t-$fmt.json"
  eq "$fmt.format" "$(tail -n 1 "$T/o-$fmt.json" | jq -r '.files[0].format')" "$fmt"
  eq "$fmt.malformed_by_format" "$(tail -n 1 "$T/o-$fmt.json" | jq ".malformed_by_format[\"$fmt\"]")" 7
  eq "$fmt.reasons_shown" "$(grep -c "q-$fmt.log:[0-9]*: " "$T/e-$fmt.txt")" 5
  # detected format: same result
  "$OODA" match --json --indicators "$T/i-$fmt.txt" "$T/q-$fmt.log" >"$T/d-$fmt.json" 2>/dev/null || true
  eq "$fmt.detected" "$(tail -n 1 "$T/d-$fmt.json" | jq -r '.files[0].format')" "$fmt"
  eq "$fmt.detected_hits" "$(tail -n 1 "$T/d-$fmt.json" | jq .hits)" "$(jq .hits "$T/t-$fmt.json")"
done

# hit objects carry every key, times are RFC 3339 where the log has Unix seconds
eq json_keys "$(head -n 1 "$T/o-unbound.json" | jq -c 'keys')" \
  '["client","file","id","indicator","line","query","score","time","type"]'
eq json_time "$(head -n 1 "$T/o-unbound.json" | jq -r .time | grep -cE '^2026-11-25T1[01]:[0-9:]{5}Z$')" 1
eq json_type "$(head -n -1 "$T/o-unbound.json" | jq -r .type | sort -u)" domain
eq squid_query_is_url "$(head -n 1 "$T/o-squid.json" | jq -r .query | grep -c '^http://.*/index.html$')" 1

# from the store: feed add + pull, then the default snapshot path
"$OODA" feed add gen --format plain --file "$T/i-unbound.txt" --db "$T/s.db" >/dev/null
"$OODA" feed pull --db "$T/s.db" --json >"$T/pull.json"
eq store.accepted "$(jq '.[0].accepted' "$T/pull.json")" 5000
rc=0
"$OODA" match --json --db "$T/s.db" "$T/q-unbound.log" >"$T/store.json" 2>/dev/null || rc=$?
eq store.exit "$rc" 65
eq store.indicators "$(tail -n 1 "$T/store.json" | jq .indicators)" 5000
check_truth store "$T/store.json" "$T/t-unbound.json"

# text output: one line per hit, then the summary keys
printf 'evil.example\nhttp://phish.example/login/\n' >"$T/few.txt"
printf '[1795600800] unbound[1:0] info: 192.0.2.1 WWW.Evil.Example. A IN\n' >"$T/one.log"
printf '[1795600801] unbound[1:0] info: 192.0.2.1 fine.example. A IN\n' >>"$T/one.log"
"$OODA" match --indicators "$T/few.txt" "$T/one.log" >"$T/text.txt"
eq text_hit "$(head -n 1 "$T/text.txt")" \
  "2026-11-25T10:00:00Z 192.0.2.1 www.evil.example domain evil.example 100.0"
eq text_queries "$(grep -c '^queries: 2$' "$T/text.txt")" 1
eq text_hits "$(grep -c '^hits: 1$' "$T/text.txt")" 1
"$OODA" match --quiet --json --indicators "$T/few.txt" "$T/one.log" >"$T/quiet.json"
eq quiet_lines "$(wc -l <"$T/quiet.json")" 1

# usage and input errors
rc=0; "$OODA" match --indicators "$T/few.txt" >/dev/null 2>&1 || rc=$?
eq no_log_exit "$rc" 64
rc=0; "$OODA" match --format nope --indicators "$T/few.txt" "$T/one.log" >/dev/null 2>&1 || rc=$?
eq bad_format_exit "$rc" 64
printf 'www.example.com\n[1795600800] unbound[1:0] info: 192.0.2.1 a.example. A IN\n' >"$T/mixed.log"
rc=0; "$OODA" match --indicators "$T/few.txt" "$T/mixed.log" >/dev/null 2>"$T/mixed.err" || rc=$?
eq ambiguous_exit "$rc" 64
eq ambiguous_msg "$(grep -c 'use --format' "$T/mixed.err")" 1
rc=0; "$OODA" match --indicators "$T/few.txt" "$T/missing.log" >/dev/null 2>&1 || rc=$?
eq missing_exit "$rc" 66
: >"$T/empty.log"
rc=0; "$OODA" match --format plain --json --indicators "$T/few.txt" "$T/empty.log" >"$T/empty.json" || rc=$?
eq empty_exit "$rc" 0
eq empty_queries "$(jq .queries "$T/empty.json")" 0
finish
