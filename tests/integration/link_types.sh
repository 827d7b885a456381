#!/usr/bin/env bash
# Every link type and both file formats, from a file and from stdin: the same counts as
# the ground truth.
source "$(dirname "$0")/lib.bash"

for fmt in pcap pcapng; do
  for lt in en10mb raw sll sll2 null loop; do
    f="$T/$lt.$fmt"
    "$GEN" --out "$f" --truth "$T/$lt.$fmt.json" --darknet "$DARKNET" --packets 30000 \
      --seed 5 --linktype "$lt" --format "$fmt" --vlan-share 0.2
    db="$T/$lt-$fmt.db"
    if [ "$lt" = sll ]; then # through stdin as well
      "$OODA" ingest --quiet --sensor s --darknet "$DARKNET" --db "$db" - <"$f"
    else
      "$OODA" ingest --quiet --sensor s --darknet "$DARKNET" --db "$db" "$f"
    fi
    "$OODA" darknet summary --json --db "$db" >"$T/s.json"
    for k in packets bytes sources scanners backscatter_victims classes; do
      eq "$fmt/$lt $k" "$(jq -c ".$k" "$T/s.json")" "$(jq -c ".$k" "$T/$lt.$fmt.json")"
    done
  done
done
finish
