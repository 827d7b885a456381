#!/usr/bin/env bash
# MISP feed directories and STIX 2.1 bundles through the real binary: `ooda feed add
# --format misp|stix` + `feed pull` on tests/data/feeds, exact summaries, and every bad
# record named FILE:RECORD with its reason on stderr (the parsers' unit tests pin the
# entries themselves).
source "$(dirname "$0")/lib.bash"
command -v jq >/dev/null || { echo "jq missing"; exit 77; }
D="$OODA_SRC/tests/data/feeds"
export OODA_DB="$T/json.db"
summary() { jq -c '[.entries,.accepted,.rejected,.added,.updated,.missing,.removed]'; }

"$OODA" feed add m --format misp --file "$D/misp" >/dev/null
"$OODA" feed add s --format stix --file "$D/stix/bundle-indicators.json" >/dev/null
"$OODA" feed pull m --json >"$T/m.json" 2>"$T/m.err"
eq "misp summary" "$(summary <"$T/m.json")" "[17,13,4,13,0,0,0]"
eq "misp rejects" "$(grep -o '5f6e7d8c-1a2b-4c3d-9e8f-0a1b2c3d4e5f.json:[0-9]*' "$T/m.err" | cut -d: -f2 | paste -sd,)" "10,11,13,20"
grep -q "key 'not-a-uuid' is not a uuid, skipped" "$T/m.err" && ok || fail "manifest key warning"
"$OODA" feed pull s --json >"$T/s.json" 2>"$T/s.err"
eq "stix summary" "$(summary <"$T/s.json")" "[15,10,5,10,0,0,0]"
eq "stix rejects" "$(grep -o 'bundle-indicators.json:[0-9]*' "$T/s.err" | cut -d: -f2 | paste -sd,)" "10,12,13,14,16"
# pulled again: nothing new, everything updated
"$OODA" feed pull m --json 2>/dev/null >"$T/m2.json"
eq "misp again" "$(summary <"$T/m2.json")" "[17,13,4,0,13,0,0]"
set +e
"$OODA" feed add bad --format misp --file "$T/none" >/dev/null 2>&1
"$OODA" feed pull bad >/dev/null 2>&1
eq "missing misp dir" "$?" 66
set -e
finish
