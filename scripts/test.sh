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

echo "== fuzzing regressions: every kept input (Tests/Fuzz) through its decoder"
.build/debug/zkfuzz Tests/Fuzz || status=1

export ZKSERVER_BIN="$ROOT/.build/debug/zkserver"
echo "== ZKClient as a dependency by version of another package"
timeout 900 scripts/check-client-package.sh || status=1

echo "== compatibility suite (Apache ZooKeeper 3.8.0 vs zkserver, kazoo and the Java client)"
timeout 900 .venv/bin/pytest Tests/compat -q -rs || status=1

echo "== zkcli's interactive shell through a pseudo-terminal (tmux)"
timeout 300 .venv/bin/pytest Tests/zkcli -q -rs || status=1

echo "== durability: SIGKILL + simulated power cut under load"
timeout 900 .venv/bin/pytest Tests/durability -q -rs || status=1

# The same fault scenarios against a 3-server Apache ensemble (the reference) and a zkserver one.
echo "== ensembles under faults (kill -9, SIGSTOP, partitions, observers, moving sessions) and with Apache's own clients (Apache and zkserver)"
timeout 900 .venv/bin/pytest Tests/ensemble -q -rs -p no:cacheprovider --impl apache,zkserver || status=1

# kazoo's own suite against a 3-server zkserver ensemble, its default. Deselected: dynamic reconfiguration
# (issue 13), which zkserver does not offer yet.
echo "== kazoo 2.11.0's own test suite against a 3-server zkserver ensemble"
timeout 1500 scripts/kazoo-suite.sh zkserver 3 -- \
  -k "not TestReconfig" || status=1

# A bounded libFuzzer run (its own debug build in .build-fuzz, then 5 s per decoder); scripts/fuzz.sh says
# how to run longer and what to do with a crash.
echo "== fuzzing: libFuzzer on each decoder"
FUZZ_CONFIG=debug timeout 900 scripts/fuzz.sh 5 || status=1

exit $status
