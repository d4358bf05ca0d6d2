#!/usr/bin/env python3
"""Side by side, in one run: a 3-server Apache ZooKeeper 3.8.0 ensemble and a 3-server zkserver ensemble
on 127.0.0.1 (fsync on, the same disk, tickTime 500 ms, initLimit 10, syncLimit 5).

Measures read and write throughput and p99 latency through all three members (zkbench, clients spread
over the connect string), the servers' CPU time per write (utime + stime of the three processes from
/proc, over the write run) and the time from SIGKILL of the leader to the first acknowledged write. Ratios
above 1 mean zkserver is better. ZKSERVER_BEFORE=path adds a column for another zkserver build (an
earlier commit), measured in the same run. Not a test: numbers depend on the machine; run after a
release build:
    swift build -c release --product zkserver --product zkbench
    .venv/bin/python benchmarks/ensemble.py [seconds-per-run]   (kazoo comes from the venv)
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "ensemble"))
import zkensemble  # noqa: E402

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 5
BENCH = os.path.join(ROOT, ".build/release/zkbench")
ZKSERVER = os.path.join(ROOT, ".build/release/zkserver")


def bench(hosts, mode):
    out = subprocess.run([BENCH, "-server", hosts, "--mode", mode, "--seconds", str(SECONDS), "--clients", "12",
                          "--inflight", "8", "--json"], capture_output=True, text=True, timeout=SECONDS * 4 + 60)
    if out.returncode != 0:
        raise RuntimeError("zkbench failed: %s" % out.stderr)
    return json.loads(out.stdout)


def failover(ensemble):
    """Seconds from SIGKILL of the leader until a client (given every member) completes a write."""
    from kazoo.client import KazooClient
    from kazoo.exceptions import KazooException
    from kazoo.handlers.threading import KazooTimeoutError
    client = KazooClient(hosts=ensemble.hosts(), timeout=4)
    client.start(timeout=20)
    client.ensure_path("/failover")
    leader = ensemble.leader()
    killed = time.monotonic()
    ensemble.kill(leader)
    n = 0
    while time.monotonic() - killed < 60:
        n += 1
        try:
            client.create("/failover/w%d" % n)
            elapsed = time.monotonic() - killed
            break
        except (KazooException, KazooTimeoutError):
            time.sleep(0.01)
    else:
        elapsed = float("nan")
    client.stop()
    client.close()
    ensemble.restart(leader)
    ensemble.wait_serving()
    return elapsed


def cpu_seconds(ensemble):
    """utime + stime of every server process, from /proc/<pid>/stat."""
    total = 0
    for sid in ensemble.servers:
        with open("/proc/%d/stat" % ensemble.pid(sid)) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def run(impl, binary=ZKSERVER):
    root = tempfile.mkdtemp(prefix="zk-ens-bench-%s-" % impl)
    ensemble = zkensemble.Ensemble(root, n=3, impl=impl, zkserver_bin=binary)
    try:
        ensemble.write_configs()
        ensemble.start_all()
        hosts = ensemble.hosts()
        bench(hosts, "mixed")  # warm-up (Apache's JIT)
        results = {"read": bench(hosts, "read")}
        before = cpu_seconds(ensemble)
        results["write"] = bench(hosts, "write")
        results["cpu_us_per_write"] = (cpu_seconds(ensemble) - before) * 1e6 / max(1, results["write"]["ops"])
        results["failover"] = failover(ensemble)
        return results
    finally:
        ensemble.close(remove=True)


def main():
    columns = [("Apache 3.8.0", run("apache"))]
    if os.environ.get("ZKSERVER_BEFORE"):
        columns.append(("zkserver before", run("zkserver", os.path.abspath(os.environ["ZKSERVER_BEFORE"]))))
    columns.append(("zkserver", run("zkserver")))
    apache, ours = columns[0][1], columns[-1][1]
    print("%-28s" % "measure (3 servers)" + "".join("%16s" % name for name, _ in columns) + "   ratio")

    def row(label, pick, fmt, higher_is_better):
        values = [pick(r) for _, r in columns]
        a, o = values[0], values[-1]
        ratio = (o / a if a else 0) if higher_is_better else (a / o if o else 0)
        print("%-28s" % label + "".join(("%16" + fmt) % v for v in values) + "  %5.2fx" % ratio)

    for mode in ("read", "write"):
        row(mode + " ops/s", lambda r: r[mode]["ops_per_sec"], ".0f", True)
        row(mode + " p99 ms", lambda r: r[mode]["p99_ms"], ".2f", False)
    row("server CPU us per write", lambda r: r["cpu_us_per_write"], ".1f", False)
    row("leader kill -> write (s)", lambda r: r["failover"], ".2f", False)


if __name__ == "__main__":
    main()
