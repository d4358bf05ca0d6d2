"""Fault tests for a replicated ensemble: each test starts its own N-server ensemble on
127.0.0.1 (Tests/ensemble/zkensemble.py), disturbs it (SIGKILL, SIGSTOP, restarts, a TCP
proxy that cuts peers off) while kazoo clients write, and checks that every acknowledged
write survives on every server.

Run:   .venv/bin/pytest Tests/ensemble -q -rs                  (Apache ZooKeeper 3.8.0)
       ENSEMBLE_IMPL=zkserver .venv/bin/pytest Tests/ensemble  (zkserver, same zoo.cfg files)
       .venv/bin/pytest Tests/ensemble --impl apache,zkserver  (both, test ids [apache]/[zkserver])
Env:   ENSEMBLE_IMPL   apache | zkserver | apache,zkserver (default apache; --impl overrides)
       ENSEMBLE_SIZE   participants of the generic tests (default 3; 5 works too)
       ENSEMBLE_TICK   tickTime in ms (default 500; initLimit=10, syncLimit=5)
       ENSEMBLE_KEEP=1 keep every ensemble's directory (configs, logs, data); without it only
                       failed tests' directories are kept (their path is printed)
       ZKSERVER_BIN    zkserver binary (default .build/debug/zkserver)
"""
import os
import shutil
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from zkensemble import Ensemble  # noqa: E402
from faultproxy import PeerProxy  # noqa: E402
from ensemble_util import RETRY, TIMINGS, WriteLoad, ensemble_size, record_timing  # noqa: E402

from kazoo.client import KazooClient  # noqa: E402



def pytest_addoption(parser):
    parser.addoption("--impl", default=None,
                     help="apache, zkserver or apache,zkserver (default: $ENSEMBLE_IMPL or apache)")


def impls(config):
    value = config.getoption("--impl") or os.environ.get("ENSEMBLE_IMPL") or "apache"
    out = [v.strip() for v in value.split(",") if v.strip()]
    for v in out:
        if v not in ("apache", "zkserver"):
            raise pytest.UsageError("implementation must be apache or zkserver, not %r" % v)
    return out


def pytest_generate_tests(metafunc):
    if "impl" in metafunc.fixturenames:
        metafunc.parametrize("impl", impls(metafunc.config), scope="function")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call":
        item.failed_call = rep.failed


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("ensemble timings")
        for test, what, secs in TIMINGS:
            terminalreporter.write_line("%-55s %-40s %6.2fs" % (test, what, secs))


@pytest.fixture
def make_ensemble(impl, request):
    """make_ensemble(n=ENSEMBLE_SIZE, observers=0, start=True, proxy=False, **Ensemble kwargs)
    -> a started, serving Ensemble (every process is killed at teardown). proxy=True: the
    peers talk through a faultproxy.PeerProxy, available as e.proxy."""
    made = []

    def make(n=None, observers=0, start=True, proxy=False, **kw):
        root = tempfile.mkdtemp(prefix="zk-ens-%s-" % request.node.name[:40].replace("/", "_"))
        kw.setdefault("tick_time", int(os.environ.get("ENSEMBLE_TICK", "500")))
        e = Ensemble(root, n=n or ensemble_size(), impl=impl, observers=observers, **kw)
        made.append(e)
        e.proxy = None
        if proxy:       # peers reach each other only through a PeerProxy (faultproxy.py)
            e.proxy = PeerProxy(e.servers)
            e.per_server_peer_ports = e.proxy.peer_ports()
        e.write_configs()
        if start:
            t0 = time.time()
            e.start_all(timeout=60)
            record_timing(request, "initial election (%d servers)" % len(e.servers), time.time() - t0)
        return e

    yield make
    failed = getattr(request.node, "failed_call", True)
    for e in made:
        e.close()
        if e.proxy is not None:
            e.proxy.close()
        if failed or os.environ.get("ENSEMBLE_KEEP"):
            print("ensemble directory kept: %s" % e.root)
        else:
            shutil.rmtree(e.root, ignore_errors=True)


@pytest.fixture
def clients():
    """clients(hosts, **KazooClient kwargs) -> a started KazooClient; all are stopped at teardown."""
    made = []

    def make(hosts, timeout=15.0, start=True, **kw):
        kw.setdefault("timeout", 10.0)
        kw.setdefault("connection_retry", RETRY)
        zk = KazooClient(hosts=hosts, **kw)
        made.append(zk)
        if start:
            zk.start(timeout=timeout)
        return zk

    yield make
    for zk in made:
        try:
            zk.stop()
            zk.close()
        except Exception:  # noqa: BLE001
            pass


@pytest.fixture
def write_load():
    loads = []

    def make(hosts, **kw):
        w = WriteLoad(hosts, **kw)
        loads.append(w)
        return w.start()

    yield make
    for w in loads:
        w.stop()
