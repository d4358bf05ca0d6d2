#!/usr/bin/env bash
# libFuzzer over zkserver's decoders (Sources/zkfuzz): client frames and every request record, quorum
# and election packets, the transaction log and snapshot readers, JAAS files, SASL tokens, Java key stores
# and certificate names.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 10 s each, every target)
# Builds zkfuzz with -sanitize=fuzzer into .build-fuzz (apart from the normal build), seeds each target
# from Tests/Fuzz/<target>, and runs libFuzzer for the given time. A crash leaves its input in
# .build-fuzz/crashes/<target>/: copy it into Tests/Fuzz/<target>/ and fix the decoder; the normal build's
# `zkfuzz Tests/Fuzz` (run by scripts/test.sh) then keeps it as a regression test.
# Longer runs: scripts/fuzz.sh 3600 client   (an hour on the client decoder), or several in parallel.
# FUZZ_CONFIG=debug builds faster and runs about a third as many inputs a second (what CI uses for its
# few seconds); the default, release, is for real runs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH=/opt/swift/usr/bin:$PATH
SECONDS_EACH="${1:-10}"
shift $(( $# > 0 ? 1 : 0 ))
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(client quorum election txnlog snapshot jaas sasl keystore)

CONFIG="${FUZZ_CONFIG:-release}"
swift build --build-path .build-fuzz -c "$CONFIG" --product zkfuzz \
  -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -parse-as-library 2>&1 | tail -2
BIN=.build-fuzz/$CONFIG/zkfuzz
status=0
for target in "${TARGETS[@]}"; do
  corpus=".build-fuzz/corpus/$target"; crashes=".build-fuzz/crashes/$target"
  mkdir -p "$corpus" "$crashes"
  [ -d "Tests/Fuzz/$target" ] && cp -n Tests/Fuzz/"$target"/* "$corpus"/ 2>/dev/null || true
  log=".build-fuzz/$target.log"
  if ZKFUZZ_TARGET="$target" timeout $((SECONDS_EACH + 60)) "$BIN" "$corpus" -max_total_time="$SECONDS_EACH" \
       -max_len=65536 -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz $target: $runs executions in ${SECONDS_EACH}s, no crash"
  else
    echo "fuzz $target: CRASH (input in $crashes/; log $log)"
    tail -30 "$log"
    status=1
  fi
done
exit $status
