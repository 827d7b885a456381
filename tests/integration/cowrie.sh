#!/usr/bin/env bash
# Cowrie honeypot ingest end to end against tools/gen-cowrie's ground truth: events per
# kind, Cowrie's other event ids skipped, bad lines named FILE:LINE with their reason
# and exit 65, every attacker that logged in as a likely infected host with its exact
# login, command and download counts (ooda hosts), download URLs and file hashes
# recorded as sightings and listed for blocking (URLs on special-purpose addresses stay
# allowlisted), the same file again skipped, and the format told apart from EVE.
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "jq missing"; exit 77; }
command -v sqlite3 >/dev/null || { echo "sqlite3 missing"; exit 77; }
DB="$T/hp.db"
start=$(( ($(date +%s) / 86400 - 2) * 86400 )) # two days ago: the sightings still score
"$OODA_BUILD/gen-cowrie" --out "$T/cowrie.json" --truth "$T/truth.json" --sessions 3000 \
  --attackers 400 --bad 8 --seed 9 --start "$start"

set +e
"$OODA" ingest --sensor hp-1 --json --db "$DB" "$T/cowrie.json" >"$T/out" 2>"$T/err"
rc=$?
set -e
eq "exit with rejected lines" "$rc" 65
f='.files[0]'
eq "format" "$(jq -r "$f.format" "$T/out")" cowrie
eq "counts" "$(jq -c "$f | [.lines, .events, .skipped_events, .rejected]" "$T/out")" \
  "$(jq -c '[.lines, .events, .skipped, .bad]' "$T/truth.json")"
eq "event types" "$(jq -c "$f.event_types" "$T/out")" "$(jq -c .by_type "$T/truth.json")"
eq "indicators" "$(jq "$f.indicators" "$T/out")" "$(jq .indicators "$T/truth.json")"
want=$(jq -r '.bad_lines[]' "$T/truth.json" | sed "s|^|$T/cowrie.json:|" | paste -sd' ')
got=$(grep -o "^ooda: ingest: $T/cowrie.json:[0-9]*" "$T/err" | sed 's/^ooda: ingest: //' | paste -sd' ')
eq "bad lines named" "$got" "$want"
l=($(jq -r '.bad_lines[]' "$T/truth.json"))
grep -q "cowrie.json:${l[0]}: byte 61: expected a value" "$T/err" && ok || fail "truncated reason"
grep -q "cowrie.json:${l[1]}: unknown eventid 'cowrie.bogus.event'" "$T/err" && ok || fail "unknown eventid reason"
grep -q "cowrie.json:${l[2]}: src_port or dst_port: not a port number" "$T/err" && ok || fail "port reason"
grep -q "cowrie.json:${l[3]}: byte 1: not a JSON object" "$T/err" && ok || fail "not JSON reason"

# attackers that logged in: likely infected, with exact evidence counts
"$OODA" hosts --json --db "$DB" >"$T/hosts.json"
eq "infected hosts" "$(jq length "$T/hosts.json")" "$(jq .infected "$T/truth.json")"
per_host='[.[] | {(.ip): {login: ([.evidence[] | select(.kind == "honeypot-login") | .count] | add // 0),
  command: ([.evidence[] | select(.kind == "honeypot-command") | .count] | add // 0),
  download: ([.evidence[] | select(.kind == "honeypot-download") | .count] | add // 0)}}] | add'
eq "evidence per host" "$(jq -cS "$per_host" "$T/hosts.json")" "$(jq -cS .hosts "$T/truth.json")"
eq "evidence sensor" "$(jq -r '[.[].evidence[].sensor] | unique | join(",")' "$T/hosts.json")" hp-1
eq "login evidence names the user" "$(jq '[.[].evidence[] | select(.kind == "honeypot-login" and (.what | startswith("user ") | not))] | length' "$T/hosts.json")" 0

# downloads: URLs and hashes become sighted indicators, listed unless allowlisted
urls=$(grep -o '"url":"[^"]*"' "$T/cowrie.json" | sed 's/"url":"//; s/"$//' | sort -u)
hashes=$(grep -o '"shasum":"[0-9a-f]*"' "$T/cowrie.json" | sed 's/"shasum":"//; s/"$//' | sort -u)
eq "sighted" "$(sqlite3 "$DB" "SELECT count(*) FROM sighting_days WHERE kind = 'honeypot-download'")" \
  "$(( $(echo "$urls" | wc -l) + $(echo "$hashes" | wc -l) ))"
eq "listed URLs (names, not special addresses)" "$("$OODA" export list --type url --db "$DB" | paste -sd' ')" \
  "$(echo "$urls" | grep -v '://[0-9]' | paste -sd' ')"
eq "listed hashes" "$("$OODA" export list --type sha256 --db "$DB" | sort | paste -sd' ')" "$(echo "$hashes" | paste -sd' ')"

# the same file again: skipped, nothing added
before=$(sqlite3 "$DB" "SELECT sum(packets) FROM sighting_days WHERE kind = 'honeypot-download'")
"$OODA" ingest --sensor hp-1 --json --db "$DB" "$T/cowrie.json" >"$T/out2" 2>/dev/null || true
eq "again skipped" "$(jq -r "$f.status" "$T/out2")" skipped
eq "sightings unchanged" "$(sqlite3 "$DB" "SELECT sum(packets) FROM sighting_days WHERE kind = 'honeypot-download'")" "$before"
eq "downloads sighted" "$before" "$(( $(grep -c '"url":"' "$T/cowrie.json") + $(grep -c '"shasum":"' "$T/cowrie.json") ))"

# an EVE file is told apart from Cowrie by its content
echo '{"timestamp":"2026-11-02T00:00:00Z","event_type":"flow","src_ip":"10.0.0.1","dest_ip":"10.0.0.2"}' >"$T/e.json"
eq "EVE told apart" "$("$OODA" ingest --sensor ids --json --db "$DB" "$T/e.json" | jq -r "$f.format")" eve
finish
