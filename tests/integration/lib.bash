# lib.bash - shared by the integration tests (sourced; not a test itself).
# Environment from CTest: OODA_BIN (the ooda binary), OODA_BUILD (build dir), OODA_SRC.
set -euo pipefail
OODA=${OODA_BIN:?OODA_BIN not set}
GEN=${OODA_BUILD:?OODA_BUILD not set}/gen-darknet
T=$(mktemp -d /tmp/ooda-it-XXXXXX)
trap 'rm -rf "$T"' EXIT
DARKNET=198.51.0.0/16,2001:db8:dd00::/40
fails=0
passes=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { passes=$((passes + 1)); }
# eq WHAT GOT WANT
eq() { if [ "$2" == "$3" ]; then ok; else fail "$1: got '$2', want '$3'"; fi; }
finish() {
  echo "$passes passed, $fails failed"
  [ "$fails" -eq 0 ]
}
