#!/usr/bin/env python3
"""Side by side, in one run: a 3-server Apache ZooKeeper 3.8.0 ensemble and a 3-server zkserver ensemble
on 127.0.0.1 (fsync on, the same disk, tickTime 500 ms, initLimit 10, syncLimit 5).

Measures read and write throughput through all three members (zkbench, clients spread over the
connect string) and the time from SIGKILL of the leader to the first acknowledged write. Ratios above 1
mean zkserver is better. Not a test: numbers depend on the machine; run after a release build:
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


def run(impl):
    root = tempfile.mkdtemp(prefix="zk-ens-bench-%s-" % impl)
    ensemble = zkensemble.Ensemble(root, n=3, impl=impl, zkserver_bin=ZKSERVER)
    try:
        ensemble.write_configs()
        ensemble.start_all()
        hosts = ensemble.hosts()
        bench(hosts, "mixed")  # warm-up (Apache's JIT)
        results = {mode: bench(hosts, mode) for mode in ("read", "write")}
        results["failover"] = failover(ensemble)
        return results
    finally:
        ensemble.close(remove=True)


def main():
    apache, ours = run("apache"), run("zkserver")
    print("%-28s %14s %14s %8s" % ("measure (3 servers)", "Apache 3.8.0", "zkserver", "ratio"))
    for mode in ("read", "write"):
        a, o = apache[mode]["ops_per_sec"], ours[mode]["ops_per_sec"]
        print("%-28s %14.0f %14.0f %7.2fx" % (mode + " ops/s", a, o, o / a if a else 0))
        a, o = apache[mode]["p99_ms"], ours[mode]["p99_ms"]
        print("%-28s %14.2f %14.2f %7.2fx" % (mode + " p99 ms", a, o, a / o if o else 0))
    a, o = apache["failover"], ours["failover"]
    print("%-28s %14.2f %14.2f %7.2fx" % ("leader kill -> write (s)", a, o, a / o if o else 0))


if __name__ == "__main__":
    main()
