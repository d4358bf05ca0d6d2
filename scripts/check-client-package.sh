#!/usr/bin/env bash
# ZKClient as another package sees it: Tests/package/consumer depends on swift-zookeeper by version (a
# local tag of the working tree as it is), builds, and runs against a zkserver on 127.0.0.1. SwiftPM
# refuses a dependency by version whose targets carry unsafeFlags, so this is what keeps them off
# ZKClient and what it imports.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="/opt/swift/usr/bin:$PATH"
ZKSERVER="${ZKSERVER_BIN:-$ROOT/.build/debug/zkserver}"
WORK="$(mktemp -d /tmp/zk-client-package.XXXXXX)"
server=""
cleanup() {
    if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# The working tree (not only what is committed) as a repository with a version tag.
mkdir "$WORK/swift-zookeeper"
(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$WORK/swift-zookeeper" 2>/dev/null || true)
git -C "$WORK/swift-zookeeper" init -q
git -C "$WORK/swift-zookeeper" add -A
git -C "$WORK/swift-zookeeper" -c user.name=check -c user.email=check@localhost commit -qm "as tested"
git -C "$WORK/swift-zookeeper" tag 1.0.0

cp -r "$ROOT/Tests/package/consumer" "$WORK/consumer"
sed "s|@ZOOKEEPER_URL@|file://$WORK/swift-zookeeper|" "$WORK/consumer/Package.swift.in" > "$WORK/consumer/Package.swift"
rm "$WORK/consumer/Package.swift.in"
echo "building a package that depends on swift-zookeeper 1.0.0 (ZKClient)"
swift build --package-path "$WORK/consumer" 2>&1 | grep -E "error|warning: .*unsafe|Compiling consumer|Build complete" || true
test -x "$WORK/consumer/.build/debug/consumer" || { echo "the consumer package did not build"; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir "$WORK/data"
printf 'tickTime=2000\ndataDir=%s\nclientPort=%s\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n' "$WORK/data" "$port" > "$WORK/zoo.cfg"
"$ZKSERVER" "$WORK/zoo.cfg" > "$WORK/zkserver.log" 2>&1 &
server=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
out="$(timeout 60 "$WORK/consumer/.build/debug/consumer" "127.0.0.1:$port")"
echo "$out"
expected="second create: NodeExists
/consumer-check: from another package (version 0)"
[[ $out == "$expected" ]] || { echo "unexpected output, wanted:"; echo "$expected"; exit 1; }
echo "ok: ZKClient builds and works as a dependency by version"
