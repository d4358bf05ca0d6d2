# Shared set-up of the side-by-side benchmarks (sourced, not run): release builds, Apache as
# zkServer.sh runs it, a work dir, and cleanup of both servers on exit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="/opt/swift/usr/bin:$PATH"
scripts/install-deps.sh >/dev/null
swift build -c release --product zkserver >/dev/null
swift build -c release --product zkbench >/dev/null
# Apache as zkServer.sh runs it (its default 1000 MB heap, full JIT, default collector).
export ZK_JVM_HEAP_OPTS="${ZK_JVM_HEAP_OPTS:--Xmx1000m}"
WORK="$(mktemp -d /tmp/zk-bench-XXXXXX)"
OURS_PID=""
cleanup() {
  scripts/apache-zk.sh stop "$WORK/apache" >/dev/null 2>&1 || true
  [ -n "$OURS_PID" ] && kill "$OURS_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# ratio A B: A/B with two decimals.
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.2f' % (a/b if b else 0))" "$1" "$2"; }
