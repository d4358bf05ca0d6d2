"""Sessions are the ensemble's, not a server's: ephemerals and watches survive the death of
the server a client was connected to, and a session can be resumed through another server."""
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from kazoo.exceptions import ConnectionLoss
from kazoo.protocol.serialization import int_struct, long_struct, write_string
from kazoo.protocol.states import EventType, KazooState

from ensemble_util import connected_port, record_timing, wait_connected

HERE = os.path.dirname(os.path.abspath(__file__))


class SetWatches(tuple):
    """setWatches (opcode 101): long relativeZxid, vector<string> data, exist, child watches.
    The Java client sends it after every reconnect; kazoo drops its watches on a disconnect
    and never sends it, so the test sends it itself."""
    type = 101

    def __new__(cls, rel_zxid, data=(), exist=(), child=()):
        return tuple.__new__(cls, (rel_zxid, list(data), list(exist), list(child)))

    def serialize(self):
        b = bytearray(long_struct.pack(self[0]))
        for paths in self[1:]:
            b.extend(int_struct.pack(len(paths)))
            for path in paths:
                b.extend(write_string(path))
        return b

    @classmethod
    def deserialize(cls, bytes, offset):
        return True      # the reply is a bare header


def set_watches(zk, rel_zxid, data=(), exist=(), child=()):
    """Registers kazoo callbacks ({path: fn}) and sends one SetWatches for them."""
    for path, fn in data.items():
        zk._data_watchers[path].add(fn)
    for path, fn in exist.items():
        zk._data_watchers[path].add(fn)
    for path, fn in child.items():
        zk._child_watchers[path].add(fn)
    async_result = zk.handler.async_result()
    zk._call(SetWatches(rel_zxid, data, exist, child), async_result)
    return async_result.get(timeout=10)


def test_ephemeral_and_watches_survive_follower_death(make_ensemble, clients, request):
    e = make_ensemble()
    f = e.followers()[0]
    rest = [sid for sid in sorted(e.servers) if sid != f]
    zk = clients(e.hosts([f] + rest), randomize_hosts=False)
    assert connected_port(zk) == e.servers[f].client_port
    session = zk.client_id[0]
    zk.create("/eph", b"mine", ephemeral=True)
    zk.create("/watched", b"0")
    zk.create("/watched-later", b"0")
    zk.create("/dir")
    zk.create("/gone", b"")
    seen_zxid = zk.last_zxid
    states = []
    zk.add_listener(states.append)

    t0 = time.time()
    e.kill(f)
    end = time.time() + 20
    while time.time() < end and KazooState.SUSPENDED not in states:
        time.sleep(0.02)
    assert KazooState.SUSPENDED in states
    wait_connected(zk, timeout=20)
    record_timing(request, "follower kill -9 -> client reconnected elsewhere", time.time() - t0)
    assert KazooState.LOST not in states
    assert zk.client_id[0] == session
    assert connected_port(zk) in [e.servers[s].client_port for s in rest]

    other = clients(e.hosts(rest))
    stat = other.exists("/eph")
    assert stat is not None and stat.ephemeralOwner == session
    # changes made while the client was away fire as soon as the watches are restored
    other.set("/watched", b"1")
    other.delete("/gone")
    events = []
    lock = threading.Lock()

    def cb(ev):
        with lock:
            events.append((ev.type, ev.path))
    set_watches(zk, seen_zxid, data={"/watched": cb, "/watched-later": cb, "/gone": cb},
                exist={"/not-yet": cb}, child={"/dir": cb})

    def wait_events(n):
        end = time.time() + 10
        while time.time() < end and len(events) < n:
            time.sleep(0.02)
        with lock:
            return sorted(events)
    assert wait_events(2) == sorted([(EventType.DELETED, "/gone"), (EventType.CHANGED, "/watched")])
    # the others fire on later changes
    other.set("/watched-later", b"1")
    other.create("/dir/child")
    other.create("/not-yet")
    assert wait_events(5) == sorted([(EventType.DELETED, "/gone"), (EventType.CHANGED, "/watched"),
                                     (EventType.CHANGED, "/watched-later"), (EventType.CHILD, "/dir"),
                                     (EventType.CREATED, "/not-yet")])
    # the session still works and owns its ephemeral; closing it removes the ephemeral
    assert zk.get("/eph")[0] == b"mine"
    zk.create("/eph2", b"", ephemeral=True)
    zk.stop()
    zk.close()
    other.sync("/")
    assert other.exists("/eph") is None and other.exists("/eph2") is None


CHILD = r"""
import sys
from kazoo.client import KazooClient
zk = KazooClient(hosts=sys.argv[1], timeout=10.0)
zk.start(timeout=15)
zk.create("/moving", b"from A", ephemeral=True)
sid, passwd = zk.client_id
print("%d %s" % (sid, passwd.hex()), flush=True)
sys.stdin.read()     # until killed
"""


def test_session_moves_to_another_server(make_ensemble, clients, request):
    """A client process connected to A creates an ephemeral and dies (kill -9, no close); a
    client that knows only B resumes the session with its id and password."""
    e = make_ensemble()
    a, b = sorted(e.servers)[:2]
    p = subprocess.Popen([sys.executable, "-c", CHILD, e.servers[a].hostport],
                         stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline()
        assert line, "client process failed"
        sid, pw = line.split()
        sid, pw = int(sid), bytes.fromhex(pw)
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait(10)
    t0 = time.time()
    zk = clients(e.servers[b].hostport, client_id=(sid, pw))
    record_timing(request, "session resumed through another server", time.time() - t0)
    assert zk.client_id[0] == sid
    assert connected_port(zk) == e.servers[b].client_port
    assert "sid=0x%x," % sid in e.fourlw(b, "cons")
    stat = zk.exists("/moving")
    assert stat is not None and stat.ephemeralOwner == sid
    assert zk.get("/moving")[0] == b"from A"
    zk.set("/moving", b"from B")          # the session, now at B, still owns and may write
    zk.create("/moving2", b"", ephemeral=True)
    # the session outlives A's idea of it: wait beyond the session timeout, still there
    time.sleep(zk._session_timeout / 1000.0 + 1)
    check = clients(e.hosts())
    check.sync("/")
    assert check.exists("/moving").ephemeralOwner == sid
    zk.stop()
    zk.close()
    check.sync("/")
    assert check.exists("/moving") is None and check.exists("/moving2") is None


def test_moved_session_old_connection(make_ensemble, clients):
    """Both connections alive: after the session moved to B, the old connection at A still
    answers reads, but a write through it is refused (Apache closes that connection:
    SessionMovedException -> the client sees ConnectionLoss) and is not applied."""
    e = make_ensemble()
    a, b = sorted(e.servers)[:2]
    za = clients(e.servers[a].hostport)
    za.create("/m", b"", ephemeral=True)
    sid, pw = za.client_id
    zb = clients(e.servers[b].hostport, client_id=(sid, pw))
    assert zb.client_id[0] == sid
    assert za.exists("/m").ephemeralOwner == sid          # read through the old connection
    with pytest.raises(ConnectionLoss):
        za.create("/written-through-old-connection", b"")
    zb.sync("/")
    assert zb.exists("/written-through-old-connection") is None
    assert zb.exists("/m").ephemeralOwner == sid
