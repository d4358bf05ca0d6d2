#!/usr/bin/env bash
# What the metrics cost: read (and mixed) throughput of this checkout's zkserver against the same server
# built at a commit before metrics were recorded (26ecdb1 by default), both release builds, standalone on
# 127.0.0.1 with fsync on, runs interleaved so drift in the machine falls on both alike. Reports the median
# of each side and their ratio (this checkout / before; 0.97 or more is the budget).
#   benchmarks/metrics-cost.sh [base-commit] [runs] [seconds-per-run]
BASE="${1:-26ecdb1}"; RUNS="${2:-5}"; SECONDS_PER_RUN="${3:-5}"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BENCH=.build/release/zkbench
# The base's release build lives in its own worktree and scratch path, kept between runs (it is slow).
BASE_TREE=/tmp/zk-metrics-base-$BASE
if [ ! -x "$BASE_TREE/.build/release/zkserver" ]; then
  rm -rf "$BASE_TREE"; git worktree prune
  git worktree add --detach "$BASE_TREE" "$BASE" >/dev/null
  (cd "$BASE_TREE" && swift build -c release --product zkserver >/dev/null)
fi

start() {  # name binary port
  mkdir -p "$WORK/$1/data"
  printf 'tickTime=2000\ndataDir=%s\nclientPort=%s\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\nmaxClientCnxns=0\n' \
    "$WORK/$1/data" "$3" > "$WORK/$1/zoo.cfg"
  "$2" "$WORK/$1/zoo.cfg" >"$WORK/$1/log" 2>&1 &
  echo $!
}
BASE_PORT=24481; OURS_PORT=24581
BASE_PID=$(start base "$BASE_TREE/.build/release/zkserver" $BASE_PORT)
OURS_PID=$(start ours .build/release/zkserver $OURS_PORT)
trap 'kill $BASE_PID $OURS_PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
for port in $BASE_PORT $OURS_PORT; do
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
done

ops() { $BENCH -server "127.0.0.1:$1" --mode "$2" --seconds "$SECONDS_PER_RUN" --clients 8 --inflight 8 --json |
        python3 -c "import json,sys; print(json.load(sys.stdin)['ops_per_sec'])"; }
median() { python3 -c "import statistics,sys; print('%.0f' % statistics.median(map(float, sys.argv[1:])))" "$@"; }

printf "%-12s %14s %14s %8s\n" "mode" "before $BASE" "this checkout" "ratio"
for mode in read mixed; do
  ops $BASE_PORT $mode >/dev/null; ops $OURS_PORT $mode >/dev/null   # warm-up
  base=(); ours=()
  for _ in $(seq "$RUNS"); do
    base+=("$(ops $BASE_PORT $mode)"); ours+=("$(ops $OURS_PORT $mode)")
  done
  b=$(median "${base[@]}"); o=$(median "${ours[@]}")
  printf "%-12s %14s %14s %8s\n" "$mode ops/s" "$b" "$o" "$(ratio "$o" "$b")x"
done
