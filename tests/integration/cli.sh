#!/usr/bin/env bash
# The command line: help everywhere, version, sysexits codes for usage errors.
source "$(dirname "$0")/lib.bash"

code() { set +e; "$@" >/dev/null 2>&1; local rc=$?; set -e; echo "$rc"; }
eq "--help" "$(code "$OODA" --help)" 0
eq "--version" "$("$OODA" --version | cut -d' ' -f1)" ooda
eq "help ingest" "$(code "$OODA" help ingest)" 0
eq "ingest --help" "$(code "$OODA" ingest --help)" 0
eq "darknet --help" "$(code "$OODA" darknet --help)" 0
eq "db --help" "$(code "$OODA" db --help)" 0
eq "no command" "$(code "$OODA")" 64
eq "unknown command" "$(code "$OODA" frobnicate)" 64
eq "help unknown" "$(code "$OODA" help frobnicate)" 64
eq "ingest without sensor" "$(code "$OODA" ingest x.pcap)" 64
eq "ingest without files" "$(code "$OODA" ingest --sensor s)" 64
eq "bad darknet" "$(code "$OODA" ingest --sensor s --darknet 10.0.0.1/8 x)" 64
eq "bad threshold" "$(code "$OODA" ingest --sensor s --scanner-threshold 0 x)" 64
eq "top without --by" "$(code "$OODA" darknet top --db "$T/x.db")" 64
eq "bad time" "$(code "$OODA" darknet summary --since yesterday --db "$T/x.db")" 64
eq "bad -n" "$(code "$OODA" darknet top --by port -n 0 --db "$T/x.db")" 64
eq "empty summary" "$("$OODA" darknet summary --json --db "$T/x.db" | jq -c '[.packets, .sources]')" "[0,0]"
OODA_DB="$T/env.db" "$OODA" darknet summary >/dev/null
if [ -f "$T/env.db" ]; then ok; else fail "OODA_DB not honoured"; fi
eq "db check" "$("$OODA" db check --json --db "$T/x.db" | jq -c '[.ok, .schema_version]')" "[true,7]"
finish
