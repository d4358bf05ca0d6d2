#!/usr/bin/env bash
# Installs what is missing, builds, starts a local zkserver on 127.0.0.1:2181 and opens zkcli on it.
# The server stops when the shell exits.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="/opt/swift/usr/bin:$PATH"
scripts/install-deps.sh >/dev/null
swift build -c release --product zkserver
swift build -c release --product zkcli
DIR="${ZK_DEMO_DIR:-/tmp/zkserver-demo}"
mkdir -p "$DIR/data"
cat > "$DIR/zoo.cfg" <<CFG
tickTime=2000
dataDir=$DIR/data
clientPort=2181
clientPortAddress=127.0.0.1
4lw.commands.whitelist=*
extendedTypesEnabled=true
CFG
.build/release/zkserver "$DIR/zoo.cfg" 2>"$DIR/zkserver.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  .build/release/zkcli -server 127.0.0.1:2181 version >/dev/null 2>&1 && break
  sleep 0.1
done
.build/release/zkcli -server 127.0.0.1:2181
