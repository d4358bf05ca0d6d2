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

export ZKSERVER_BIN="$ROOT/.build/debug/zkserver"
echo "== compatibility suite (Apache ZooKeeper 3.8.0 vs zkserver, kazoo and the Java client)"
timeout 900 .venv/bin/pytest Tests/compat -q -rs || status=1

echo "== zkcli's interactive shell through a pseudo-terminal (tmux)"
timeout 300 .venv/bin/pytest Tests/zkcli -q -rs || status=1

echo "== durability: SIGKILL + simulated power cut under load"
timeout 900 .venv/bin/pytest Tests/durability -q -rs || status=1

# kazoo's own suite against zkserver. Deselected: what needs an ensemble (reconfig, read-only mode,
# host-list updates; they fail on a one-server Apache too), TLS and SASL, which zkserver does not offer yet.
echo "== kazoo 2.11.0's own test suite against zkserver"
timeout 1200 scripts/kazoo-suite.sh zkserver 1 -- \
  -k "not (TestReconfig or test_read_only or test_update_host_list or TestSSLClient or test_sasl)" || status=1

exit $status
