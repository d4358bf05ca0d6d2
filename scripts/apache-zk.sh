#!/usr/bin/env bash
# Start/stop Apache ZooKeeper 3.8.0 (Debian package) standalone, as the reference server.
#   scripts/apache-zk.sh start DIR PORT [extra zoo.cfg lines...]
#   scripts/apache-zk.sh stop  DIR
# DIR gets zoo.cfg, log4j.properties, data/, zk.log, pid. The server listens on
# 127.0.0.1:PORT with 4lw.commands.whitelist=* (unless an extra line sets it),
# extendedTypesEnabled=true, admin server off, and super digest super:test.
# Env: ZK_WHITELIST overrides the 4lw whitelist ("" = omit the key => Apache default).
#      ZK_ADMIN_PORT: serve the AdminServer on 127.0.0.1:ZK_ADMIN_PORT (otherwise it is off).
#      ZK_JVM_FLAGS extra JVM flags (space separated), e.g. -Dznode.container.checkIntervalMs=200
#      (Apache reads that one only as a system property: as a zoo.cfg key it would become
#      zookeeper.znode.container.checkIntervalMs, which nothing reads).
set -euo pipefail
cmd="${1:-}"; DIR="${2:-}"
[ -n "$cmd" ] && [ -n "$DIR" ] || { echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2; }
mkdir -p "$DIR"; DIR="$(cd "$DIR" && pwd)"

stop() {
  [ -f "$DIR/pid" ] || return 0
  local pid; pid="$(cat "$DIR/pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$DIR/pid"
}

ruok() {  # ruok PORT -> prints answer
  python3 - "$1" <<'PY' 2>/dev/null || true
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
    s.sendall(b"ruok"); data = b""
    while True:
        b = s.recv(64)
        if not b: break
        data += b
    print(data.decode())
except Exception:
    pass
PY
}

case "$cmd" in
  stop) stop ;;
  start)
    PORT="${3:?port required}"; shift 3
    stop
    mkdir -p "$DIR/data"
    {
      echo "tickTime=2000"
      echo "initLimit=10"
      echo "syncLimit=5"
      echo "dataDir=$DIR/data"
      echo "clientPort=$PORT"
      echo "clientPortAddress=127.0.0.1"
      echo "maxClientCnxns=0"
      if [ "${ZK_WHITELIST-*}" != "" ]; then echo "4lw.commands.whitelist=${ZK_WHITELIST-*}"; fi
      echo "extendedTypesEnabled=true"
      if [ -n "${ZK_ADMIN_PORT:-}" ]; then
        echo "admin.enableServer=true"; echo "admin.serverAddress=127.0.0.1"; echo "admin.serverPort=$ZK_ADMIN_PORT"
      else
        echo "admin.enableServer=false"
      fi
      echo "autopurge.purgeInterval=0"
      for l in "$@"; do echo "$l"; done
    } > "$DIR/zoo.cfg"
    cat > "$DIR/log4j.properties" <<L4J
log4j.rootLogger=INFO, FILE
log4j.appender.FILE=org.apache.log4j.FileAppender
log4j.appender.FILE.File=$DIR/zk.log
log4j.appender.FILE.Append=true
log4j.appender.FILE.layout=org.apache.log4j.PatternLayout
log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n
L4J
    CP="$DIR:/usr/share/java/zookeeper.jar:/usr/share/java/log4j-1.2.jar:/usr/share/java/slf4j-log4j12.jar"
    # Debian's package leaves the servlet API off the server's class path, so its AdminServer never starts
    # ("Unable to load jetty"); the reference AdminServer needs it.
    if [ -n "${ZK_ADMIN_PORT:-}" ]; then CP="$CP:/usr/share/java/servlet-api.jar"; fi
    # Netty's TLS handler needs netty-codec, which Debian's zookeeper.jar leaves off its Class-Path.
    CP="$CP:/usr/share/java/netty-codec.jar"
    # ZK_JVM_HEAP_OPTS: tests start fast with a small heap and the quick JIT; benchmarks pass
    # zkServer.sh's own default ("-Xmx1000m", full JIT, default GC) so Apache runs as deployed.
    # shellcheck disable=SC2086
    nohup java ${ZK_JVM_HEAP_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1} \
      -Dzookeeper.DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU= \
      -Dzookeeper.admin.enableServer=$([ -n "${ZK_ADMIN_PORT:-}" ] && echo true || echo false) \
      ${ZK_JVM_FLAGS:-} \
      -Dlog4j.configuration="file:$DIR/log4j.properties" \
      -cp "$CP" org.apache.zookeeper.server.quorum.QuorumPeerMain "$DIR/zoo.cfg" \
      > "$DIR/stdout.log" 2>&1 < /dev/null &
    echo $! > "$DIR/pid"
    # ZK_START_SECONDS: how long to wait for imok (default 30; a large snapshot takes longer to load).
    for _ in $(seq 1 $(( ${ZK_START_SECONDS:-30} * 10 ))); do
      ans="$(ruok "$PORT")"
      # "imok", or (when ruok is not whitelisted) "ruok is not executed because ..."
      if [ "$ans" = "imok" ] || [[ "$ans" == *"not in the whitelist"* ]]; then echo "apache-zk: up on 127.0.0.1:$PORT (pid $(cat "$DIR/pid"))"; exit 0; fi
      kill -0 "$(cat "$DIR/pid")" 2>/dev/null || { echo "apache-zk: died, see $DIR/zk.log $DIR/stdout.log" >&2; tail -20 "$DIR/stdout.log" >&2; exit 1; }
      sleep 0.1
    done
    echo "apache-zk: no imok after ${ZK_START_SECONDS:-30}s" >&2; stop; exit 1 ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
