#!/usr/bin/env bash
# Installs what is missing, builds, starts a local three-server zkserver ensemble on 127.0.0.1 (clients on
# 2181, 2182, 2183) and opens zkcli on it. The servers stop when the shell exits. Try `ensemble`, `4lw -a
# srvr`, `watch -R /`, or kill the leader from another terminal and keep typing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="/opt/swift/usr/bin:$PATH"
scripts/install-deps.sh >/dev/null
swift build -c release --product zkserver
swift build -c release --product zkcli
DIR="${ZK_DEMO_DIR:-/tmp/zkserver-demo}"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
for i in 1 2 3; do
  mkdir -p "$DIR/s$i/data"
  echo "$i" > "$DIR/s$i/data/myid"
  cat > "$DIR/s$i/zoo.cfg" <<CFG
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$DIR/s$i/data
clientPort=218$i
clientPortAddress=127.0.0.1
admin.serverAddress=127.0.0.1
admin.serverPort=808$i
4lw.commands.whitelist=*
extendedTypesEnabled=true
server.1=127.0.0.1:2888:3888;127.0.0.1:2181
server.2=127.0.0.1:2889:3889;127.0.0.1:2182
server.3=127.0.0.1:2890:3890;127.0.0.1:2183
CFG
  .build/release/zkserver "$DIR/s$i/zoo.cfg" 2>"$DIR/s$i/zkserver.log" &
  PIDS+=($!)
done
HOSTS=127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183
for _ in $(seq 100); do
  .build/release/zkcli -server "$HOSTS" -timeout 2000 ls / >/dev/null 2>&1 && break
  sleep 0.1
done
.build/release/zkcli -server "$HOSTS"
