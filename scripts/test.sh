#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs the Swift tests, then the
# compatibility suite that runs every scenario against Apache ZooKeeper 3.8.0 and zkserver.
# Every server it starts is on 127.0.0.1 and is stopped before it returns.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="/opt/swift/usr/bin:$PATH"

scripts/install-deps.sh
swift build --build-tests

status=0
echo "== swift test"
swift test --skip-build || status=1

echo "== compatibility suite (Apache ZooKeeper 3.8.0 vs zkserver)"
ZKSERVER_BIN="$ROOT/.build/debug/zkserver" timeout 900 .venv/bin/pytest Tests/compat -q -rs || status=1

exit $status
