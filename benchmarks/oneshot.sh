#!/usr/bin/env bash
# One-shot command cost: `zkcli -server H get /x` against `zkCli.sh -server H get /x`, each run N times
# against the same zkserver; prints the mean wall time per call and the ratio. Not a test.
#   benchmarks/oneshot.sh [runs]
RUNS="${1:-10}"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
swift build -c release --product zkcli >/dev/null
mkdir -p "$WORK/ours/data"
printf 'tickTime=2000\ndataDir=%s/ours/data\nclientPort=24681\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n4lw.commands.whitelist=*\n' "$WORK" > "$WORK/ours/zoo.cfg"
read -r _ OURS_PID < <(python3 benchmarks/start_time.py 24681 "$WORK/ours/log" .build/release/zkserver "$WORK/ours/zoo.cfg")
.build/release/zkcli -server 127.0.0.1:24681 create /x hello >/dev/null
mean_ms() {  # command... -> mean wall ms over RUNS
  python3 - "$RUNS" "$@" <<'PY'
import subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
t = time.monotonic()
for _ in range(runs):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print("%.0f" % ((time.monotonic() - t) * 1000 / runs))
PY
}
ours=$(mean_ms .build/release/zkcli -server 127.0.0.1:24681 get /x)
theirs=$(mean_ms /usr/share/zookeeper/bin/zkCli.sh -server 127.0.0.1:24681 get /x)
printf "%-32s %10s %10s %8s\n" "one-shot get /x (ms per call)" "zkCli.sh" "zkcli" "ratio"
printf "%-32s %10s %10s %8s\n" "" "$theirs" "$ours" "$(ratio "$theirs" "$ours")x"
