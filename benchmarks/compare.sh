#!/usr/bin/env bash
# Side-by-side benchmark of zkserver and Apache ZooKeeper 3.8.0 on this machine, in one run, reported as
# ratios (zkserver / Apache for throughput; Apache / zkserver for latency, memory and start time, so
# that above 1 always means zkserver is better). Both servers: standalone, 127.0.0.1, fsync on, the
# same disk. Not a test: numbers vary with the machine; the ratios are what matter.
#   benchmarks/compare.sh [seconds-per-run]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="/opt/swift/usr/bin:$PATH"
SECONDS_PER_RUN="${1:-5}"
scripts/install-deps.sh >/dev/null
swift build -c release --product zkserver >/dev/null
swift build -c release --product zkbench >/dev/null
BENCH=.build/release/zkbench
WORK="$(mktemp -d /tmp/zk-compare-XXXXXX)"
APACHE_PORT=24281; OURS_PORT=24381
cleanup() {
  scripts/apache-zk.sh stop "$WORK/apache" >/dev/null 2>&1 || true
  [ -n "${OURS_PID:-}" ] && kill "$OURS_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

ms_now() { date +%s%3N; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
wait_ruok() {  # port -> waits until the server answers imok
  for _ in $(seq 1 600); do
    if python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$1),0.2); s.sendall(b'ruok'); sys.exit(0 if s.recv(4)==b'imok' else 1)" 2>/dev/null; then return 0; fi
    sleep 0.01
  done
  return 1
}

t0=$(ms_now)
scripts/apache-zk.sh start "$WORK/apache" $APACHE_PORT >/dev/null
apache_start=$(( $(ms_now) - t0 ))
APACHE_PID=$(cat "$WORK/apache/pid")

mkdir -p "$WORK/ours/data"
cat > "$WORK/ours/zoo.cfg" <<CFG
tickTime=2000
dataDir=$WORK/ours/data
clientPort=$OURS_PORT
clientPortAddress=127.0.0.1
maxClientCnxns=0
4lw.commands.whitelist=*
CFG
t0=$(ms_now)
.build/release/zkserver "$WORK/ours/zoo.cfg" 2>"$WORK/ours/log" &
OURS_PID=$!
wait_ruok $OURS_PORT
ours_start=$(( $(ms_now) - t0 ))

declare -A RESULT
run() {  # name port mode
  local out
  out=$($BENCH -server "127.0.0.1:$2" --mode "$3" --seconds "$SECONDS_PER_RUN" --clients 8 --inflight 8 --json)
  RESULT["$1.$3"]="$out"
}
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

for mode in read write create mixed; do
  run apache $APACHE_PORT $mode
  run ours $OURS_PORT $mode
done
apache_rss=$(rss_kb "$APACHE_PID"); ours_rss=$(rss_kb "$OURS_PID")

ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.2f' % (a/b if b else 0))" "$1" "$2"; }
printf "%-26s %14s %14s %8s\n" "measure" "Apache 3.8.0" "zkserver" "ratio"
for mode in read write create mixed; do
  a=${RESULT[apache.$mode]}; o=${RESULT[ours.$mode]}
  at=$(field "$a" ops_per_sec); ot=$(field "$o" ops_per_sec)
  printf "%-26s %14s %14s %8s\n" "$mode ops/s" "$at" "$ot" "$(ratio "$ot" "$at")x"
  ap=$(field "$a" p99_ms); op=$(field "$o" p99_ms)
  printf "%-26s %14s %14s %8s\n" "$mode p99 ms" "$ap" "$op" "$(ratio "$ap" "$op")x"
done
printf "%-26s %14s %14s %8s\n" "RSS after load (KiB)" "$apache_rss" "$ours_rss" "$(ratio "$apache_rss" "$ours_rss")x"
printf "%-26s %14s %14s %8s\n" "start to imok (ms)" "$apache_start" "$ours_start" "$(ratio "$apache_start" "$ours_start")x"
