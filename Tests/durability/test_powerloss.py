"""Crash tests with real processes: clients write continuously, zkserver is killed with SIGKILL at a
random moment and the power-loss simulator (shared/tools/powerloss) destroys everything that was not
made durable; after restart every acknowledged write must be there.

Run: .venv/bin/pytest Tests/durability -q   (ZKSERVER_BIN overrides .build/debug/zkserver)
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import pytest
from kazoo.client import KazooClient
from kazoo.exceptions import KazooException, NodeExistsError
from kazoo.retry import KazooRetry

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
POWERLOSS = os.path.abspath(os.path.join(ROOT, "..", "shared", "tools", "powerloss"))
ZKSERVER = os.path.abspath(os.path.join(ROOT, os.environ.get("ZKSERVER_BIN", ".build/debug/zkserver")))

sys.path.insert(0, POWERLOSS)
sys.path.insert(0, os.path.join(ROOT, "Tests"))
from ports import free_port  # noqa: E402


def wait_listening(port, proc, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(b"ruok")
                if s.recv(4) == b"imok":
                    return True
        except OSError:
            time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def shim(tmp_path_factory):
    if not os.path.exists(os.path.join(POWERLOSS, "powerloss.c")):
        pytest.skip("power-loss simulator not found at %s" % POWERLOSS)
    if not os.path.exists(ZKSERVER):
        pytest.skip("zkserver not built at %s" % ZKSERVER)
    out = tmp_path_factory.mktemp("powerloss") / "libpowerloss.so"
    subprocess.run(["cc", "-O2", "-fPIC", "-fvisibility=hidden", "-U_FORTIFY_SOURCE", "-D_FORTIFY_SOURCE=0",
                    "-shared", "-o", str(out), os.path.join(POWERLOSS, "powerloss.c"), "-ldl", "-lpthread"],
                   check=True, timeout=120)
    return str(out)


class Server:
    """zkserver under the shim, in its own process group, on a data dir that survives restarts."""

    def __init__(self, shim, base, extra=()):
        self.shim, self.base = shim, base
        self.root = os.path.join(base, "root")
        self.journal = os.path.join(base, "journal")
        os.makedirs(os.path.join(self.root, "data"), exist_ok=True)
        self.port = free_port()
        self.cfg = os.path.join(base, "zoo.cfg")
        with open(self.cfg, "w") as f:
            f.write("\n".join(["tickTime=500", "dataDir=%s/data" % self.root, "clientPort=%d" % self.port,
                               "clientPortAddress=127.0.0.1", "maxClientCnxns=0", "4lw.commands.whitelist=*",
                               "maxSessionTimeout=30000", "admin.enableServer=false"] + list(extra)) + "\n")
        self.proc = None
        self.log = None

    def start(self):
        env = dict(os.environ, LD_PRELOAD=self.shim, POWERLOSS_DIR=self.root, POWERLOSS_JOURNAL=self.journal)
        self.log = open(os.path.join(self.base, "zkserver.log"), "a")
        self.proc = subprocess.Popen([ZKSERVER, self.cfg], env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        assert wait_listening(self.port, self.proc), "zkserver did not start: " + self.tail()
        import cut
        cut.mark_durable(self.journal, "started")

    def power_cut(self, fill="old"):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()
        r = subprocess.run([sys.executable, os.path.join(POWERLOSS, "cut.py"), self.journal, self.root, "--fill", fill,
                            "--seed", str(random.randrange(1 << 30))],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, "the cut was blind: " + r.stdout + r.stderr
        return r.stdout.strip()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        if self.log and not self.log.closed:
            self.log.close()

    def tail(self):
        try:
            return open(os.path.join(self.base, "zkserver.log"), errors="replace").read()[-3000:]
        except OSError:
            return ""

    @property
    def hosts(self):
        return "127.0.0.1:%d" % self.port


def client(hosts, timeout=30):
    zk = KazooClient(hosts=hosts, timeout=timeout, connection_retry=KazooRetry(max_tries=0),
                     command_retry=KazooRetry(max_tries=0))
    zk.start(timeout=10)
    return zk


class Workload:
    """Writers of every kind; each records only what the server acknowledged."""

    def __init__(self, hosts, round_no):
        self.hosts, self.r = hosts, round_no
        self.stop = threading.Event()
        self.created = {}            # path -> data
        self.deleted = set()
        self.sequential = []
        self.counter = None          # (version, data) of the last acknowledged set
        self.multis = []
        self.ephemerals = []
        self.errors = []
        self.clients = []

    def _run(self, fn):
        try:
            zk = client(self.hosts)
        except Exception as e:  # noqa: BLE001 - a writer that cannot connect simply writes nothing
            self.errors.append(repr(e))
            return
        self.clients.append(zk)
        i = 0
        while not self.stop.is_set():
            try:
                fn(zk, i)
            except (KazooException, Exception):  # noqa: BLE001 - unacknowledged: not recorded
                if self.stop.is_set():
                    return
                time.sleep(0.01)
            i += 1

    def creates(self, zk, i):
        path = "/d/r%d-c%d" % (self.r, i)
        data = b"v%d" % i
        zk.create(path, data)
        self.created[path] = data

    def sets(self, zk, i):
        data, stat = zk.get("/d/counter")
        new = b"%d" % (int(data or b"0") + 1)
        stat2 = zk.set("/d/counter", new, version=stat.version)
        self.counter = (stat2.version, new)

    def seqs(self, zk, i):
        self.sequential.append(zk.create("/d/seq-", b"s", sequence=True))

    def multi(self, zk, i):
        t = zk.transaction()
        t.create("/d/r%d-m%d" % (self.r, i), b"m")
        t.set_data("/d/mc", b"%d" % i)
        results = t.commit()
        if all(not isinstance(x, Exception) for x in results):
            self.multis.append("/d/r%d-m%d" % (self.r, i))

    def create_delete(self, zk, i):
        path = "/d/r%d-x%d" % (self.r, i)
        zk.create(path, b"x")
        zk.delete(path)
        self.deleted.add(path)

    def ephemeral(self, zk, i):
        path = "/d/r%d-e%d" % (self.r, i)
        zk.create(path, b"e", ephemeral=True)
        self.ephemerals.append(path)

    def start(self):
        self.threads = [threading.Thread(target=self._run, args=(fn,), daemon=True)
                        for fn in (self.creates, self.sets, self.seqs, self.multi, self.create_delete, self.ephemeral)]
        for t in self.threads:
            t.start()

    def finish(self):
        """After the cut: closing the clients fails their pending requests, which ends the writers."""
        self.stop.set()
        stoppers = [threading.Thread(target=self._close, args=(zk,), daemon=True) for zk in list(self.clients)]
        for t in stoppers:
            t.start()
        for t in stoppers + self.threads:
            t.join(30)
        assert not any(t.is_alive() for t in self.threads), "a writer did not stop"

    @staticmethod
    def _close(zk):
        try:
            zk.stop()
            zk.close()
        except Exception:  # noqa: BLE001 - the server is gone; closing is best effort
            pass


def verify(hosts, work, last_counter, known_seqs):
    zk = client(hosts)
    try:
        missing = [p for p, d in work.created.items() if zk.exists(p) is None or zk.get(p)[0] != d]
        assert not missing, "acknowledged creates lost: %s" % missing[:10]
        resurrected = [p for p in work.deleted if zk.exists(p) is not None]
        assert not resurrected, "acknowledged deletes undone: %s" % resurrected[:10]
        lost_multi = [p for p in work.multis if zk.exists(p) is None]
        assert not lost_multi, "acknowledged multis lost: %s" % lost_multi[:10]
        lost_seq = [p for p in known_seqs if zk.exists(p) is None]
        assert not lost_seq, "acknowledged sequential nodes lost: %s" % lost_seq[:10]
        lost_eph = [p for p in work.ephemerals if zk.exists(p) is None]
        assert not lost_eph, "acknowledged ephemerals of live sessions lost: %s" % lost_eph[:10]
        if last_counter is not None:
            data, stat = zk.get("/d/counter")
            assert stat.version >= last_counter[0], "counter went back: %s < %s" % (stat.version, last_counter)
            if stat.version == last_counter[0]:
                assert data == last_counter[1]
        # A sequence number is never handed out twice.
        fresh = zk.create("/d/seq-", b"s", sequence=True)
        highest = max([int(p[-10:]) for p in known_seqs], default=-1)
        assert int(fresh[-10:]) > highest, "sequence number reused: %s after %s" % (fresh, highest)
        known_seqs.append(fresh)
    finally:
        zk.stop()
        zk.close()


# Lost bytes come back as the old bytes (zeros in preallocated space) or, on a disk without sector
# atomicity, as garbage; snapCount=300 makes snapshots and log rolls happen under the load.
@pytest.mark.parametrize("snap_count,fill", [(100000, "old"), (300, "old"), (300, "random")])
def test_power_cut_loses_no_acknowledged_write(shim, snap_count, fill):
    base = tempfile.mkdtemp(prefix="zk-powerloss-")
    server = Server(shim, base, extra=["snapCount=%d" % snap_count])
    rng = random.Random(snap_count)
    try:
        server.start()
        setup = client(server.hosts)
        setup.create("/d")
        setup.create("/d/counter", b"0")
        setup.create("/d/mc", b"0")
        setup.stop()
        setup.close()
        last_counter, known_seqs = None, []
        for round_no in range(4):
            work = Workload(server.hosts, round_no)
            work.start()
            time.sleep(rng.uniform(0.8, 2.0))
            summary = server.power_cut(fill)
            work.finish()
            acked = len(work.created) + len(work.deleted) + len(work.sequential) + len(work.multis) + len(work.ephemerals)
            assert acked > 20, "the load did too little to prove anything (%d acknowledged, errors %s)" % (acked, work.errors[:3])
            print("round %d: %d acknowledged writes; %s" % (round_no, acked, summary))
            if work.counter is not None:
                last_counter = work.counter
            known_seqs.extend(work.sequential)
            server.start()
            verify(server.hosts, work, last_counter, known_seqs)
    except AssertionError:
        print(server.tail())
        raise
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
