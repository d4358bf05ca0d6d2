"""Helpers of the ensemble fault tests: a write load that records every acknowledged create,
per-server reads and the cross-server agreement check."""
import os
import threading
import time

from kazoo.client import KazooClient
from kazoo.protocol.states import KazooState

from zkensemble import NOT_SERVING

TIMINGS = []   # (test, what, seconds), printed in the terminal summary by conftest.py


def record_timing(request, what, secs):
    TIMINGS.append((request.node.name, what, secs))
    print("%s: %s %.2fs" % (request.node.name, what, secs))


def ensemble_size():
    """Participants of the generic tests ($ENSEMBLE_SIZE, default 3)."""
    return int(os.environ.get("ENSEMBLE_SIZE", "3"))


RETRY = {"max_tries": -1, "delay": 0.1, "backoff": 1.5, "max_delay": 1.0}


# ---- write load --------------------------------------------------------------------------------

class WriteLoad:
    """Several kazoo clients (each its own session, connected to all servers) creating
    PREFIX/cI-NNNNNN with data b"cI-NNNNNN" as fast as the ensemble acknowledges. Every
    acknowledged create is recorded with the times its request started and ended; failed or
    timed-out ones are not (they may or may not have been applied)."""

    def __init__(self, hosts, prefix="/load", nclients=4, op_timeout=5.0, pause=0.002):
        self.hosts = hosts
        self.prefix = prefix
        self.nclients = nclients
        self.op_timeout = op_timeout
        self.pause = pause
        self.lock = threading.Lock()
        self.acked = {}          # path -> data
        self.acks = []           # (t_start, t_end, path)
        self.failures = 0
        self.errors = {}         # exception class name -> count
        self.stop_event = threading.Event()
        self.threads = []
        self.zks = []

    def start(self, min_acks=20, timeout=20):
        setup = KazooClient(hosts=self.hosts, timeout=10.0)
        setup.start(timeout=15)
        setup.ensure_path(self.prefix)
        setup.stop()
        setup.close()
        for i in range(self.nclients):
            zk = KazooClient(hosts=self.hosts, timeout=10.0,
                             connection_retry=RETRY)
            zk.start(timeout=15)
            self.zks.append(zk)
            t = threading.Thread(target=self._run, args=(i, zk), daemon=True)
            self.threads.append(t)
            t.start()
        self.wait_acks(min_acks, timeout)
        return self

    def _run(self, i, zk):
        n = 0
        while not self.stop_event.is_set():
            n += 1
            name = "c%d-%06d" % (i, n)
            path = "%s/%s" % (self.prefix, name)
            t0 = time.time()
            try:
                zk.create_async(path, name.encode()).get(timeout=self.op_timeout)
            except Exception as err:  # noqa: BLE001 - not acknowledged, whatever the reason
                with self.lock:
                    self.failures += 1
                    self.errors[type(err).__name__] = self.errors.get(type(err).__name__, 0) + 1
                self.stop_event.wait(0.05)
                continue
            t1 = time.time()
            with self.lock:
                self.acked[path] = name.encode()
                self.acks.append((t0, t1, path))
            if self.pause:
                self.stop_event.wait(self.pause)

    def count(self):
        with self.lock:
            return len(self.acks)

    def wait_acks(self, n, timeout=20):
        """Wait until n acknowledged creates (in total) have been recorded."""
        end = time.time() + timeout
        while time.time() < end:
            if self.count() >= n:
                return
            time.sleep(0.02)
        raise AssertionError("write load: only %d of %d creates acknowledged after %ss (errors %s)"
                             % (self.count(), n, timeout, self.errors))

    def wait_more(self, n=20, timeout=30):
        self.wait_acks(self.count() + n, timeout)

    def first_ack_started_after(self, t, timeout=40):
        """Seconds from t to the end of the first create whose request started after t."""
        end = time.time() + timeout
        while time.time() < end:
            with self.lock:
                after = [t1 for (t0, t1, _) in self.acks if t0 > t]
            if after:
                return min(after) - t
            time.sleep(0.02)
        raise AssertionError("no create acknowledged within %ss after the fault (errors %s)"
                             % (timeout, self.errors))

    def stop(self):
        self.stop_event.set()
        for t in self.threads:
            t.join(self.op_timeout + 5)
        for zk in self.zks:
            try:
                zk.stop()
                zk.close()
            except Exception:  # noqa: BLE001
                pass
        self.zks = []
        return self


# ---- checks ------------------------------------------------------------------------------------

def read_server(e, sid, prefix, timeout=20):
    """{child: data} under prefix as server sid alone serves it (after sync)."""
    zk = KazooClient(hosts=e.servers[sid].hostport, timeout=10.0,
                     connection_retry=RETRY)
    zk.start(timeout=timeout)
    try:
        zk.sync(prefix)
        children = zk.get_children(prefix)
        asyncs = [(c, zk.get_async("%s/%s" % (prefix, c))) for c in children]
        return {c: a.get(timeout=timeout)[0] for c, a in asyncs}
    finally:
        zk.stop()
        zk.close()


def check_all_servers(e, acked, prefix="/load", sids=None):
    """Every acknowledged write is on every server (read from each server directly), all
    servers hold the same children and data under prefix, and once quiet (after a marker
    write) all report the same Zxid and Node count in srvr. Returns {sid: srvr dict}."""
    sids = sids or e.live()
    views = {sid: read_server(e, sid, prefix) for sid in sids}
    for sid, view in views.items():
        missing = [p for p in acked if p.rsplit("/", 1)[1] not in view]
        assert not missing, "server %d lost %d acknowledged writes, e.g. %s" % (sid, len(missing), missing[:5])
        wrong = [p for p, d in acked.items() if view[p.rsplit("/", 1)[1]] != d]
        assert not wrong, "server %d has wrong data for %s" % (sid, wrong[:5])
    first = sids[0]
    for sid in sids[1:]:
        a, b = set(views[first]), set(views[sid])
        assert a == b, "servers %d and %d differ under %s: only on %d: %s; only on %d: %s" % (
            first, sid, prefix, first, sorted(a - b)[:5], sid, sorted(b - a)[:5])
        assert views[first] == views[sid], "servers %d and %d hold different data" % (first, sid)
    # a last write through the leader, so that every server's last processed zxid is a txn's
    zk = KazooClient(hosts=e.hosts(sids), timeout=10.0)
    zk.start(timeout=15)
    try:
        zk.create(prefix + "-done-", b"", sequence=True)
    finally:
        zk.stop()
        zk.close()
    return e.wait_agree(sids, timeout=30)


def finish_and_check(e, w, leader=None):
    """The end of every fault scenario: 50 more acknowledged writes, the load stopped, the
    leader unchanged (when given), and check_all_servers on what the load acknowledged."""
    w.wait_more(50)
    w.stop()
    if leader is not None:
        assert e.leader() == leader, e.describe()
    return check_all_servers(e, w.acked)


def is_not_serving(e, sid):
    return e.fourlw(sid, "srvr") == NOT_SERVING + "\n"


def wait_not_serving(e, sids, timeout=20):
    """Waits until every server in sids answers srvr with Apache's not-serving line."""
    end = time.time() + timeout
    while time.time() < end and not all(is_not_serving(e, sid) for sid in sids):
        time.sleep(0.1)
    for sid in sids:
        assert is_not_serving(e, sid), "server %d still serving after %ss: %r" % (sid, timeout, e.fourlw(sid, "srvr"))


def wait_connected(zk, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if zk.state == KazooState.CONNECTED:
            return
        time.sleep(0.05)
    raise AssertionError("client not reconnected after %ss (state %s)" % (timeout, zk.state))


def connected_port(zk):
    """The client port of the server a kazoo client is connected to (None when not connected)."""
    try:
        return zk._connection._socket.getpeername()[1]
    except Exception:  # noqa: BLE001
        return None
