#!/usr/bin/env bash
# Run kazoo 2.11.0's own test suite against Apache ZooKeeper 3.8.0 (Debian) or zkserver.
#   scripts/kazoo-suite.sh [apache|zkserver] [cluster-size] [-- extra pytest args]
# e.g. scripts/kazoo-suite.sh apache 1
#      ZKSERVER_BIN=.build/debug/zkserver scripts/kazoo-suite.sh zkserver 1 -- -k test_client
#
# How it works
# - The kazoo sdist (cached in .build-kazoo/, fetched with `pip download --no-binary :all:`)
#   is unpacked into a temp dir and its kazoo/tests are run with pytest from a dedicated
#   venv (.build-kazoo/venv: objgraph, pytest, pytest-timeout, pyjks, pyopenssl, pure_sasl, gevent,
#   eventlet); PYTHONPATH points at the unpacked tree, so the kazoo under test is the sdist.
# - kazoo/testing/harness.py reads ZOOKEEPER_VERSION (>= 3.5 adds `4lw.commands.whitelist=*`,
#   `reconfigEnabled=true`, `localSessionsEnabled=false` and the super digest
#   -Dzookeeper.DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=),
#   ZOOKEEPER_CLASSPATH (used verbatim as -cp), ZOOKEEPER_CLUSTER_SIZE (default 3),
#   ZOOKEEPER_PORT_OFFSET (default 20000; server i gets client port offset+10*i, secure
#   port +4, election +1, leader +2, admin +3), ZOOKEEPER_JAAS_AUTH (digest|gssapi; the
#   SASL tests skip without it) and ZOOKEEPER_OBSERVER_START_ID.
#   kazoo/testing/common.py then writes, per server, a temp dir with zoo.cfg (tickTime=2000,
#   dataDir, clientPort, secureClientPort, maxClientCnxns=0, admin.serverPort,
#   serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory,
#   authProvider.1=...SASLAuthenticationProvider, ssl.keyStore/trustStore (JKS made with
#   pyjks), the entries above, and server.N=localhost:leader:election:participant +
#   initLimit/syncLimit/peerType for a cluster), data/myid, jaas.conf, log4j.properties,
#   and runs `java -cp $CLASSPATH -Dfile.encoding=UTF-8 -Dreadonlymode.enabled=true
#   -Dzookeeper.log.dir=... -Dzookeeper.root.logger=INFO,CONSOLE -Dlog4j.configuration=file:...
#   -Djava.awt.headless=true -Djava.security.auth.login.config=<dir>/jaas.conf
#   -Dzookeeper.DigestAuthenticationProvider.superDigest=...
#   org.apache.zookeeper.server.quorum.QuorumPeerMain <dir>/zoo.cfg` (found via PATH),
#   sleeps 2 s, and stops servers with SIGTERM. Servers are started once per session
#   and are restarted/reset by some tests (expire_session, lose_connection, cluster.stop).
# - apache: ZOOKEEPER_CLASSPATH=/usr/share/java/zookeeper.jar (its manifest Class-Path pulls
#   most deps) + netty-codec/netty-resolver/netty-transport-native-unix-common (missing from
#   that manifest, needed by NettyServerCnxnFactory) + log4j-1.2.jar + slf4j-log4j12.jar.
# - zkserver: a directory holding scripts/kazoo-java-shim under the name `java` is put
#   first on PATH. The shim recognises the QuorumPeerMain invocation and execs
#   `$ZKSERVER_BIN <zoo.cfg>` with the -D properties in SERVER_JVMFLAGS (anything else goes to
#   /usr/bin/java). zkserver must therefore accept kazoo's zoo.cfg keys (ignore the TLS/SASL
#   ones it does not implement) and take superDigest from SERVER_JVMFLAGS. Use cluster size 1
#   unless zkserver understands server.N lines.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODE="${1:-apache}"; SIZE="${2:-1}"
shift $(( $# >= 2 ? 2 : $# ))
[ "${1:-}" = "--" ] && shift
CACHE="$ROOT/.build-kazoo"; mkdir -p "$CACHE"
SDIST="$CACHE/kazoo-2.11.0.tar.gz"
VENV="$CACHE/venv"
PY=/usr/bin/python3; [ -x "$PY" ] || PY="$(command -v python3)"

[ -f "$SDIST" ] || "$PY" -m pip download -q --no-binary :all: --no-deps kazoo==2.11.0 -d "$CACHE"
if ! "$VENV/bin/python" -c "import pytest, pytest_timeout, jks, objgraph; from OpenSSL import crypto; crypto.X509.add_extensions" 2>/dev/null; then
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check objgraph pytest pytest-timeout pyjks "pyopenssl<24.3" pure_sasl gevent eventlet
fi

WORK="$(mktemp -d /tmp/kazoo-suite.XXXXXX)"
cleanup() {
  # kill any server the harness left behind (only those started from our temp dirs)
  for pid in $(pgrep -f "QuorumPeerMain $WORK/" 2>/dev/null || true); do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
tar xzf "$SDIST" -C "$WORK"
SRC="$WORK/kazoo-2.11.0"
export TMPDIR="$WORK"       # harness mkdtemp()s land here, so cleanup can find them
export ZOOKEEPER_VERSION=3.8.0
export ZOOKEEPER_CLUSTER_SIZE="$SIZE"
export ZOOKEEPER_PORT_OFFSET="${ZOOKEEPER_PORT_OFFSET:-20000}"
# zookeeper.jar's manifest Class-Path lacks netty-codec/netty-resolver, which the harness's
# NettyServerCnxnFactory needs (ClassNotFoundException io.netty.handler.codec.ByteToMessageDecoder).
J=/usr/share/java
export ZOOKEEPER_CLASSPATH="$J/zookeeper.jar:$J/netty-codec.jar:$J/netty-resolver.jar:$J/netty-transport-native-unix-common.jar:$J/log4j-1.2.jar:$J/slf4j-log4j12.jar"
export PYTHONPATH="$SRC"
case "$MODE" in
  apache) ;;
  zkserver)
    export ZKSERVER_BIN="$(cd "$ROOT" && readlink -f "${ZKSERVER_BIN:-.build/debug/zkserver}")"
    [ -x "$ZKSERVER_BIN" ] || { echo "no zkserver binary at $ZKSERVER_BIN" >&2; exit 2; }
    mkdir -p "$WORK/shim"; ln -s "$ROOT/scripts/kazoo-java-shim" "$WORK/shim/java"
    export PATH="$WORK/shim:$PATH"
    export KAZOO_SHIM_LOG="${KAZOO_SHIM_LOG:-$CACHE/shim.log}" ;;
  *) echo "usage: $0 [apache|zkserver] [cluster-size] [-- pytest args]" >&2; exit 2 ;;
esac
cd "$SRC"
echo "kazoo-suite: mode=$MODE cluster=$SIZE ports from $ZOOKEEPER_PORT_OFFSET, tree $SRC"
start=$(date +%s)
LOG="$CACHE/last-$MODE-$SIZE.log"; rm -f "$CACHE/last-$MODE-$SIZE-rerun.log"
run_pytest() {  # run_pytest LOGFILE [pytest args]: prints what matters, returns pytest's status
  local log="$1"; shift
  # Clients some tests leave running keep retrying while the interpreter exits; their lines
  # come after pytest's summary and would push it out of a CI log's tail.
  "$VENV/bin/python" -m pytest -p no:cacheprovider -o log_cli=false -q -rfEs --color=no \
    --timeout=180 "$@" 2>&1 | tee "$log" | grep -vE "^\s*$" \
    | awk 'done { next } { print } /^=+ .* in [0-9.]+s/ { done = 1 }' | tail -n 60
  return "${PIPESTATUS[0]}"
}
failed_tests() { sed -nE 's/^(FAILED|ERROR) ([^ ]+::[^ ]+).*/\2/p' "$1" | sort -u; }

set +e
run_pytest "$LOG" kazoo/tests "$@"
rc=$?
# kazoo's suite has tests that give a few threads 100-200 ms to finish. Failures are rerun
# once, on their own, and named either way: a test that fails twice fails the run, and one
# that passes on its rerun is printed for a look (a 200 ms wait per write through a follower
# showed up first as test_concurrent_execution failing one run in three).
if [ "$rc" = 1 ] && [ "${KAZOO_RERUN:-1}" = 1 ]; then
  mapfile -t failed < <(failed_tests "$LOG")
  echo "kazoo-suite: first run failed: ${failed[*]:-(no test named)}"
  if [ "${#failed[@]}" -gt 0 ] && [ "${#failed[@]}" -le 5 ]; then
    echo "kazoo-suite: rerunning them once"
    run_pytest "$CACHE/last-$MODE-$SIZE-rerun.log" "${failed[@]}"
    rc=$?
    [ "$rc" = 0 ] && echo "kazoo-suite: FAILED ONCE, passed on rerun: ${failed[*]}"
  fi
fi
if [ "$rc" != 0 ]; then
  echo "kazoo-suite: failures:"
  cat "$LOG" "$CACHE/last-$MODE-$SIZE-rerun.log" 2>/dev/null | grep -E "^(FAILED|ERROR) |^=+ .* in [0-9.]+s" || true
fi
echo "kazoo-suite: exit $rc after $(( $(date +%s) - start )) s (full log: $LOG)"
exit $rc
