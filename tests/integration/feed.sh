#!/usr/bin/env bash
# Feeds end to end with the real binary: a plain file feed pulled twice (added, updated,
# missing/removed with grace 0, rejected records named FILE:LINE on stderr), feed list
# --json, a csv feed with a column map, a URLhaus dump, an allowlist feed and its
# conflicts, the removal log, an --url feed served by python3 -m http.server on
# 127.0.0.1 (a random free port), and a URL that fails: exit 69, a warning, and the
# previous entries kept. Usage errors exit 64.
source "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }
command -v jq >/dev/null || { echo "jq missing"; exit 77; }

DB="$T/feeds.db"
code() { set +e; "$@" >/dev/null 2>&1; local rc=$?; set -e; echo "$rc"; }
summary() { jq -c '[.entries,.accepted,.rejected,.added,.updated,.missing,.removed,.allowlisted]'; }

# ---- a plain file feed -------------------------------------------------------------
printf '# test feed\r\nevil.example\r\nEVIL.Example.\r\n192.0.2.1\r\n\r\n45.33.32.156\r\nhttp://bad.example/x\r\ntwo values\r\n\xff\xfe.example\r\n' >"$T/f1.txt"
"$OODA" feed add f1 --format plain --file "$T/f1.txt" --grace 0 --org cert --tlp green --db "$DB" >/dev/null
set +e
"$OODA" feed pull f1 --json --db "$DB" >"$T/out" 2>"$T/err"
rc=$?
set -e
eq "pull 1 exit" "$rc" 0
# 7 records; EVIL.Example. is evil.example again; 192.0.2.1 is documentation space
eq "pull 1 summary" "$(summary <"$T/out")" "[7,5,2,4,0,0,0,1]"
eq "pull 1 feed name" "$(jq -r .feed <"$T/out")" f1
eq "reject lines" "$(grep -c "^ooda: feed pull: $T/f1.txt:[0-9]*: " "$T/err")" 2
grep -q "f1.txt:8: more than one value on the line" "$T/err" && ok || fail "line 8 reason"
grep -q "f1.txt:9: " "$T/err" && ok || fail "line 9 reported"

printf 'evil.example\nnew.example\n45.33.32.156\n' >"$T/f1.txt"
"$OODA" feed pull f1 --json --db "$DB" >"$T/out"
eq "pull 2 summary" "$(summary <"$T/out")" "[3,3,0,1,2,0,2,0]"
"$OODA" feed list --json --db "$DB" >"$T/list"
eq "list f1" "$(jq -c '.[] | select(.name=="f1") | [.format,.org,.tlp,.active,.pulls,.grace,.last_error,.last.added,.last.removed]' "$T/list")" '["plain","cert","green",3,2,0,null,1,2]'
eq "removal log" "$("$OODA" feed removals f1 --json --db "$DB" | jq -c '[.[].value]|sort')" '["192.0.2.1","http://bad.example/x"]'

# ---- csv with a column map, URLhaus dump -----------------------------------------------
cat >"$T/f2.csv" <<'CSV'
kind,indicator,first seen,labels
domain,"csv.example",2026-01-02 03:04:05,"phish,kit"
ip-dst,198.18.0.1,,
url,"http://csv.example/a,b",1767000000,
bogus,c.example,,
CSV
"$OODA" feed add f2 --format csv --columns type=1,value=2,seen=3,tags=4 --file "$T/f2.csv" --db "$DB" >/dev/null
set +e
"$OODA" feed pull f2 --json --db "$DB" >"$T/out" 2>"$T/err"
set -e
eq "csv summary" "$(summary <"$T/out")" "[4,3,1,3,0,0,0,1]"
grep -q "f2.csv:5: unknown type" "$T/err" && ok || fail "csv reject line"

cat >"$T/uh.csv" <<'CSV'
################################################################
# abuse.ch URLhaus Database Dump (CSV)                         #
################################################################
# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter
"3011950","2024-03-13 10:21:06","http://203.0.113.9:39175/Mozi.m","online","2024-03-13 10:21:06","malware_download","32-bit,elf,mips,Mozi","https://urlhaus.abuse.ch/url/3011950/","geenensp"
"3011949","2024-03-13 10:20:05","https://evil.example/a.exe","offline","","malware_download","exe","https://urlhaus.abuse.ch/url/3011949/","x"
"3011948","2024-03-13 10:20:05","","offline","","malware_download","exe","https://urlhaus.abuse.ch/url/3011948/","x"
CSV
set +e
"$OODA" feed add uh --format urlhaus-csv --file "$T/uh.csv" --db "$DB" >/dev/null
"$OODA" feed pull uh --json --db "$DB" >"$T/out" 2>"$T/err"
set -e
eq "urlhaus summary" "$(summary <"$T/out")" "[3,2,1,2,0,0,0,1]"
grep -q "uh.csv:7: no url in column 3" "$T/err" && ok || fail "urlhaus reject line"

# ---- allowlist and conflicts --------------------------------------------------------------
printf 'csv.example\n45.33.32.0/24\n' >"$T/allow.txt"
"$OODA" feed add allow --format plain --file "$T/allow.txt" --allowlist --db "$DB" >/dev/null
"$OODA" feed pull allow --json --db "$DB" >"$T/out"
eq "allowlist summary" "$(summary <"$T/out")" "[2,2,0,2,0,0,0,3]"
"$OODA" feed conflicts --json --db "$DB" >"$T/conf"
eq "conflicts" "$(jq -c '[.[] | [.value,.entry,.allowlist]]' "$T/conf")" \
  '[["csv.example","csv.example","allow"],["198.18.0.1","198.18.0.0/15","builtin"],["45.33.32.156","45.33.32.0/24","allow"],["http://203.0.113.9/Mozi.m","203.0.113.0/24","builtin"],["http://csv.example/a,b","csv.example","allow"]]'

# ---- a URL feed over HTTP ------------------------------------------------------------------
mkdir "$T/www"
printf 'web1.example\nweb2.example\n' >"$T/www/feed.txt"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$T/www" >/dev/null 2>&1 &
SRV=$!
trap 'kill $SRV 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 1 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/feed.txt', timeout=1)" 2>/dev/null && break
  sleep 0.1
done
"$OODA" feed add web --format plain --url "http://127.0.0.1:$PORT/feed.txt" --db "$DB" >/dev/null
"$OODA" feed pull web --json --db "$DB" >"$T/out"
eq "url summary" "$(summary <"$T/out")" "[2,2,0,2,0,0,0,0]"
"$OODA" feed add gone --format plain --url "http://127.0.0.1:$PORT/missing.txt" --db "$DB" >/dev/null
eq "404 exit" "$(code "$OODA" feed pull gone --db "$DB")" 69
kill "$SRV"
wait "$SRV" 2>/dev/null || true
set +e
"$OODA" feed pull web --db "$DB" >"$T/out" 2>"$T/err"
rc=$?
set -e
eq "server down exit" "$rc" 69
grep -q "warning: feed web not updated, its previous 2 entries are kept" "$T/err" && ok || fail "warning text: $(cat "$T/err")"
"$OODA" feed list --json --db "$DB" >"$T/list"
eq "web kept" "$(jq -c '.[] | select(.name=="web") | [.active, .pulls, (.last_error|test("127.0.0.1")), .last.added]' "$T/list")" '[2,1,true,2]'
eq "all-pull exit is the first failure" "$(code "$OODA" feed pull --db "$DB")" 69

# ---- missing file, bad data, usage -------------------------------------------------------------
"$OODA" feed add nofile --format plain --file "$T/none.txt" --db "$DB" >/dev/null
eq "missing file exit" "$(code "$OODA" feed pull nofile --db "$DB")" 66
printf 'a.example\n\0\0\0' >"$T/bin.txt"
"$OODA" feed add bin --format plain --file "$T/bin.txt" --db "$DB" >/dev/null
eq "binary feed exit" "$(code "$OODA" feed pull bin --db "$DB")" 65
eq "feed --help" "$(code "$OODA" feed --help)" 0
eq "help feed" "$(code "$OODA" help feed)" 0
eq "no subcommand" "$(code "$OODA" feed)" 64
eq "bad format" "$(code "$OODA" feed add x --format xml --file a --db "$DB")" 64
eq "no location" "$(code "$OODA" feed add x --format plain --db "$DB")" 64
eq "bad tlp" "$(code "$OODA" feed add x --format plain --file a --tlp blue --db "$DB")" 64
eq "bad columns" "$(code "$OODA" feed add x --format csv --file a --columns foo=1 --db "$DB")" 64
eq "bad grace" "$(code "$OODA" feed add x --format plain --file a --grace soon --db "$DB")" 64
eq "duplicate" "$(code "$OODA" feed add f1 --format plain --file a --db "$DB")" 64
eq "unknown feed" "$(code "$OODA" feed pull nosuch --db "$DB")" 64
finish
