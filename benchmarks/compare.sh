#!/usr/bin/env bash
# Side-by-side benchmark of zkserver and Apache ZooKeeper 3.8.0 on this machine, in one run, reported as
# ratios (zkserver / Apache for throughput; Apache / zkserver for latency, memory and start time, so
# that above 1 always means zkserver is better). Both servers: standalone, 127.0.0.1, fsync on, the
# same disk. Not a test: numbers vary with the machine; the ratios are what matter.
#   benchmarks/compare.sh [seconds-per-run]
SECONDS_PER_RUN="${1:-5}"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
BENCH=.build/release/zkbench
APACHE_PORT=24281; OURS_PORT=24381

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# Start times: from launch until the server answers ruok, measured by one process that launches it.
read -r apache_start _ < <(python3 benchmarks/start_time.py $APACHE_PORT "$WORK/apache-start.log" scripts/apache-zk.sh start "$WORK/apache" $APACHE_PORT)
APACHE_PID=$(cat "$WORK/apache/pid")

mkdir -p "$WORK/ours/data"
cat > "$WORK/ours/zoo.cfg" <<CFG
tickTime=2000
dataDir=$WORK/ours/data
clientPort=$OURS_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
maxClientCnxns=0
4lw.commands.whitelist=*
CFG
read -r ours_start OURS_PID < <(python3 benchmarks/start_time.py $OURS_PORT "$WORK/ours/log" .build/release/zkserver "$WORK/ours/zoo.cfg")

declare -A RESULT
run() {  # name port mode
  local out
  out=$($BENCH -server "127.0.0.1:$2" --mode "$3" --seconds "$SECONDS_PER_RUN" --clients 8 --inflight 8 --json)
  RESULT["$1.$3"]="$out"
}
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

# Warm-up (the JVM's JIT needs it; zkserver does not, but gets the same).
$BENCH -server "127.0.0.1:$APACHE_PORT" --mode mixed --seconds "$SECONDS_PER_RUN" >/dev/null
$BENCH -server "127.0.0.1:$OURS_PORT" --mode mixed --seconds "$SECONDS_PER_RUN" >/dev/null
for mode in read write create mixed; do
  run apache $APACHE_PORT $mode
  run ours $OURS_PORT $mode
done
apache_rss=$(rss_kb "$APACHE_PID"); ours_rss=$(rss_kb "$OURS_PID")

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
