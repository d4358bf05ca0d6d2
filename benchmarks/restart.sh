#!/usr/bin/env bash
# Restart time on a large tree: the same snapshot of N znodes (default 1,000,000, 100-byte values,
# written in Apache's format by `zkbench make-snapshot`) is loaded by Apache ZooKeeper 3.8.0 and by
# zkserver; each is timed from launch until `srvr` reports every node. Not a test.
#   benchmarks/restart.sh [nodes]
NODES="${1:-1000000}"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
.build/release/zkbench make-snapshot "$WORK/seed" --nodes "$NODES"
EXPECTED=$((NODES + NODES / 1000 + 6))   # nodes + parents + /bench + Apache's 5 system entries
ms_now() { date +%s%3N; }
wait_count() {  # port -> waits until srvr reports the whole tree
  python3 - "$1" "$EXPECTED" <<'PY'
import socket, sys, time
port, want = int(sys.argv[1]), int(sys.argv[2])
deadline = time.time() + 600
while time.time() < deadline:
    try:
        s = socket.create_connection(("127.0.0.1", port), 0.5); s.sendall(b"srvr"); out = b""
        while True:
            d = s.recv(4096)
            if not d: break
            out += d
        for line in out.decode().splitlines():
            if line.startswith("Node count:") and int(line.split(":")[1]) >= want: sys.exit(0)
    except OSError:
        pass
    time.sleep(0.02)
sys.exit(1)
PY
}
mkdir -p "$WORK/apache/data" "$WORK/ours/data"
cp -r "$WORK/seed/version-2" "$WORK/apache/data/"
cp -r "$WORK/seed/version-2" "$WORK/ours/data/"

t0=$(ms_now)
# apache-zk.sh waits for ruok, which Apache answers only once its database is loaded.
ZK_START_SECONDS=600 scripts/apache-zk.sh start "$WORK/apache" 24481 >/dev/null
wait_count 24481
apache_ms=$(( $(ms_now) - t0 ))
apache_rss=$(awk '/VmRSS/ {print $2}' "/proc/$(cat "$WORK/apache/pid")/status")

cat > "$WORK/ours/zoo.cfg" <<CFG
tickTime=2000
dataDir=$WORK/ours/data
clientPort=24581
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=*
CFG
t0=$(ms_now)
.build/release/zkserver "$WORK/ours/zoo.cfg" 2>"$WORK/ours/log" &
OURS_PID=$!
wait_count 24581
ours_ms=$(( $(ms_now) - t0 ))
ours_rss=$(awk '/VmRSS/ {print $2}' "/proc/$OURS_PID/status")

printf "%-30s %14s %14s %8s\n" "$NODES znodes" "Apache 3.8.0" "zkserver" "ratio"
printf "%-30s %14s %14s %8s\n" "restart until served (ms)" "$apache_ms" "$ours_ms" "$(ratio "$apache_ms" "$ours_ms")x"
printf "%-30s %14s %14s %8s\n" "RSS with the tree (KiB)" "$apache_rss" "$ours_rss" "$(ratio "$apache_rss" "$ours_rss")x"
