#!/usr/bin/env bash
# Start/stop/disturb an N-server ZooKeeper ensemble on 127.0.0.1 (free ports), of Apache
# ZooKeeper 3.8.0 or of zkserver, with the per-server zoo.cfg the ensemble tests use.
#   scripts/ensemble.sh start ROOT [--impl apache|zkserver] [-n 3] [--observers 0] [--tick 500]
#   scripts/ensemble.sh status|leader|hosts|stop ROOT
#   scripts/ensemble.sh kill|term|pause|resume|restart|srvr|mntr|conf ROOT ID
# Env: ENSEMBLE_IMPL (default apache), ZKSERVER_BIN (default .build/debug/zkserver),
#      ZK_JVM_FLAGS / ZK_JVM_HEAP_OPTS (Apache JVM flags, as for scripts/apache-zk.sh).
# The implementation is Tests/ensemble/zkensemble.py (also the tests' module); see its --help.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec python3 "$ROOT/Tests/ensemble/zkensemble.py" "$@"
