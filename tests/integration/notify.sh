#!/usr/bin/env bash
# ooda notify report: the pinned schema-1 header (CSV) and key order (JSON), one row per
# piece of evidence of the hosts in scope (a gen-eve log's infected hosts and a Cowrie
# attacker in one database), event counts in the evidence column summing to the ground
# truth, RFC 4180 quoting of a command line holding a comma and quotes, the classes, and
# the usage errors; remediation tracking (notify status) against two generated honeypot
# days.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "jq missing"; exit 77; }
DB="$T/n.db"
"$OODA_BUILD/gen-eve" --out "$T/eve.json" --truth "$T/truth.json" --events 20000 --hosts 600 \
  --infected-rate 0.02 --indicators "$T/c2.txt" --seed 41
"$OODA" feed add c2 --format plain --file "$T/c2.txt" --db "$DB" >/dev/null
"$OODA" feed pull c2 --db "$DB" >/dev/null
"$OODA" ingest --quiet --sensor ids-1 --db "$DB" "$T/eve.json"
cat >"$T/cowrie.json" <<'JSON'
{"eventid":"cowrie.login.success","username":"root","password":"x","src_ip":"45.0.0.9","dst_port":22,"timestamp":"2026-11-02T03:00:00Z"}
{"eventid":"cowrie.command.input","input":"echo \"a,b\"; id","src_ip":"45.0.0.9","dst_port":22,"timestamp":"2026-11-02T03:00:01Z"}
JSON
"$OODA" ingest --quiet --sensor hp-1 --db "$DB" "$T/cowrie.json"

"$OODA" notify report --prefix 10.0.0.0/8 --db "$DB" >"$T/r.csv"
eq "pinned header" "$(head -1 "$T/r.csv")" "timestamp,ip,asn,country,port,class,evidence,sensor"
eq "rows" "$(($(wc -l <"$T/r.csv") - 1))" "$("$OODA" hosts --prefix 10.0.0.0/8 --json --db "$DB" | jq '[.[].evidence[]] | length')"
eq "event counts" "$(tail -n +2 "$T/r.csv" | sed 's/.*(\([0-9]*\)),[^,]*$/\1/' | awk '{ n += $1 } END { print n }')" \
  "$(jq '[.infected_hosts[]] | add' "$T/truth.json")"
eq "hosts" "$(tail -n +2 "$T/r.csv" | cut -d, -f2 | sort -u | paste -sd' ')" \
  "$(jq -r '.infected_hosts | keys[]' "$T/truth.json" | sort | paste -sd' ')"
eq "class" "$(tail -n +2 "$T/r.csv" | cut -d, -f6 | sort -u)" c2-contact

"$OODA" notify report --prefix 10.0.0.0/8 --format json --db "$DB" >"$T/r.json"
eq "json version" "$(jq .schema_version "$T/r.json")" 1
eq "json key order" "$(jq -c '.rows[0] | keys_unsorted' "$T/r.json")" '["timestamp","ip","asn","country","port","class","evidence","sensor"]'
eq "json rows" "$(jq '.rows | length' "$T/r.json")" "$(($(wc -l <"$T/r.csv") - 1))"
eq "json numbers" "$(jq -c '[.rows[0].asn, .rows[0].port] | map(type)' "$T/r.json")" '["number","number"]'

"$OODA" notify report --prefix 45.0.0.9/32 --db "$DB" >"$T/h.csv"
eq "honeypot rows" "$(tail -n +2 "$T/h.csv")" '2026-11-02T03:00:00Z,45.0.0.9,'"$(sed -n 2p "$T/h.csv" | cut -d, -f3,4)"',22,brute-force-login,honeypot-login: user root (1),hp-1
2026-11-02T03:00:01Z,45.0.0.9,'"$(sed -n 2p "$T/h.csv" | cut -d, -f3,4)"',22,honeypot-command,"honeypot-command: echo ""a,b""; id (1)",hp-1'

# remediation tracking: a honeypot's attackers reported at the end of day A; on day A+2
# some are back. Status 40 days on: all due for 1, 7 and 30 days; still seen after 1 day
# exactly those back on day A+2, after 7 and 30 days none.
R="$T/r.db"
d0=1793577600 # 2026-11-02
"$OODA_BUILD/gen-cowrie" --out "$T/a.json" --truth "$T/a-truth.json" --sessions 400 --attackers 40 --seed 51 --start $d0
"$OODA_BUILD/gen-cowrie" --out "$T/b.json" --truth "$T/b-truth.json" --sessions 100 --attackers 10 --seed 52 --start $((d0 + 2 * 86400))
"$OODA" ingest --quiet --sensor hp-1 --db "$R" "$T/a.json"
"$OODA" notify report --prefix 45.0.0.0/8 --at @$((d0 + 86400)) --db "$R" >/dev/null
"$OODA" ingest --quiet --sensor hp-1 --db "$R" "$T/b.json"
"$OODA" notify report --prefix 45.0.0.0/8 --at @$((d0 + 86400)) --db "$R" >/dev/null # again: nothing new
back=$(jq -n --slurpfile a "$T/a-truth.json" --slurpfile b "$T/b-truth.json" \
  '[$a[0].hosts | keys[] | select(in($b[0].hosts))] | length')
reported=$(jq '.hosts | length' "$T/a-truth.json")
[ "$back" -gt 0 ] && [ "$back" -lt "$reported" ] && ok || fail "the generated days overlap partly ($back of $reported)"
"$OODA" notify status --json --at @$((d0 + 40 * 86400)) --db "$R" >"$T/s.json"
eq "status" "$(jq -c '.[] | [.owner, .reported, .still_seen_after."1d".due, .still_seen_after."1d".still_seen,
  .still_seen_after."7d".still_seen, .still_seen_after."30d".due, .still_seen_after."30d".still_seen]' "$T/s.json")" \
  "[\"45.0.0.0/8\",$reported,$reported,$back,0,$reported,0]"
eq "status before a day passed" "$("$OODA" notify status --json --at @$((d0 + 86400 + 3600)) --db "$R" | jq -c '.[0].still_seen_after."1d"')" \
  '{"due":0,"still_seen":0}'
eq "status by owner" "$("$OODA" notify status --owner nobody --json --db "$R")" "[]"

set +e
"$OODA" notify report --db "$DB" >/dev/null 2>&1
eq "no scope" "$?" 64
"$OODA" notify report --asn 1 --format xml --db "$DB" >/dev/null 2>&1
eq "bad format" "$?" 64
"$OODA" notify frobnicate --db "$DB" >/dev/null 2>&1
eq "bad subcommand" "$?" 64
set -e
finish
