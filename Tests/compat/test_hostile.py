"""One hostile client against a fresh Apache 3.8.0 and a fresh zkserver, side by side: silent sockets,
sockets that stop halfway through a frame, a flood of distinct addauths, one create with tens of
thousands of ACL entries. The server stays up, closes what it must, and no bystander session suffers."""
import os
import select
import socket
import struct
import subprocess
import threading
import time

import pytest
from kazoo.client import KazooClient

from compat_util import four_letter, free_port, wait_listening
from conftest import ROOT, write_cfg

SESSIONLESS_MS = 2000


@pytest.fixture(params=["apache", "zkserver"])
def fresh(request, servers, monkeypatch):
    """A server of its own (these tests would disturb the shared ones), with a 2 s sessionless timeout."""
    flag = "-Dzookeeper.nio.sessionlessCnxnTimeout=%d" % SESSIONLESS_MS
    name = "%s-%s" % (request.param, request.node.name[:40].replace("[", "-").replace("]", ""))
    if request.param == "apache":
        monkeypatch.setenv("ZK_JVM_FLAGS", flag)
        hosts = servers.start_apache(name=name)
        wait_serving(port_of(hosts))
        return hosts
    if not servers.have_zkserver():
        pytest.skip("zkserver not built")
    monkeypatch.setenv("SERVER_JVMFLAGS", flag)
    return servers.start_zkserver(name=name)


def port_of(hosts):
    return int(hosts.rsplit(":", 1)[1])


def closed(sock):
    """Whether the server has closed this socket (EOF or reset), without blocking."""
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1) == b""
    except OSError:
        return True


def handshake(port, timeout_ms=10000):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    body = struct.pack("!iqiq", 0, 0, timeout_ms, 0) + struct.pack("!i", 16) + b"\0" * 16
    sock.sendall(struct.pack("!i", len(body)) + body)
    reply = recv_exactly(sock, 4)
    recv_exactly(sock, struct.unpack("!i", reply)[0])
    return sock


def wait_serving(port, timeout=20):
    """Apache answers ruok before it serves sessions (its start script waits for imok): until then it
    closes a handshake unanswered."""
    deadline = time.time() + timeout
    while True:
        try:
            handshake(port).close()
            return
        except (EOFError, OSError):
            if time.time() > deadline:
                raise
            time.sleep(0.1)


def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


def string(s):
    b = s.encode()
    return struct.pack("!i", len(b)) + b


def test_connections_that_never_finish_the_handshake_are_closed(fresh):
    port = port_of(fresh)
    silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(200)]
    halfway = []
    for _ in range(20):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"\x00\x00")      # half a frame length, then nothing
        halfway.append(s)
    try:
        bystander = KazooClient(hosts=fresh, timeout=10)
        bystander.start(timeout=15)
        try:
            deadline = time.time() + SESSIONLESS_MS / 1000 * 4 + 10
            while time.time() < deadline and not all(closed(s) for s in silent + halfway):
                time.sleep(0.2)
            open_count = sum(not closed(s) for s in silent + halfway)
            assert open_count == 0, "%d of %d sessionless sockets still open" % (open_count, len(silent + halfway))
            # The session with traffic stays, and the server still answers.
            assert bystander.connected and bystander.exists("/") is not None
            assert "Mode: standalone" in four_letter(fresh, "srvr")
        finally:
            bystander.stop()
            bystander.close()
    finally:
        for s in silent + halfway:
            s.close()


def test_a_flood_of_distinct_addauths_does_not_starve_a_bystander(fresh):
    port = port_of(fresh)
    bystander = KazooClient(hosts=fresh, timeout=4)
    bystander.start(timeout=15)
    try:
        bystander.create("/bystander", b"", ephemeral=True)
        flooder = handshake(port)
        count = 25000
        packets = b"".join(
            (lambda body: struct.pack("!i", len(body)) + body)(
                struct.pack("!ii", -4, 100) + struct.pack("!i", 0) + string("digest") + string("user%d:pw" % n))
            for n in range(count))
        t0 = time.time()
        flooder.sendall(packets)
        replies = 0
        flooder.settimeout(60)
        while replies < count:
            length = struct.unpack("!i", recv_exactly(flooder, 4))[0]
            xid, _zxid, err = struct.unpack("!iqi", recv_exactly(flooder, length)[:16])
            assert (xid, err) == (-4, 0)
            replies += 1
        print("%d addauths answered in %.1f s" % (count, time.time() - t0))
        flooder.close()
        # The bystander's 4 s session lived through it.
        assert bystander.connected
        assert bystander.exists("/bystander") is not None
    finally:
        bystander.stop()
        bystander.close()


def test_one_create_with_tens_of_thousands_of_acl_entries(fresh):
    """Apache de-duplicates an ACL in quadratic time; zkserver in linear. Both answer the create and the
    same duplicate-free ACL."""
    zk = KazooClient(hosts=fresh, timeout=10)
    zk.start(timeout=15)
    try:
        from kazoo.security import ACL, Id
        entries = [ACL(1, Id("ip", "10.%d.%d.%d" % (n >> 16, (n >> 8) & 255, n & 255))) for n in range(20000)]
        t0 = time.time()
        zk.create("/many-acls", b"", acl=entries + entries[:100] + [ACL(31, Id("world", "anyone"))])
        print("create with %d ACL entries: %.1f s" % (len(entries) + 101, time.time() - t0))
        acl, _ = zk.get_acls("/many-acls")
        assert len(acl) == len(entries) + 1
        assert acl[0].id.id == "10.0.0.0" and acl[-1].id.scheme == "world"
        assert "Mode: standalone" in four_letter(fresh, "srvr")
    finally:
        zk.stop()
        zk.close()


def raw_call(sock, op, body, xid):
    """One request on a raw session: (error code, reply body length, whether the server then closed)."""
    pkt = struct.pack("!ii", xid, op) + body
    sock.sendall(struct.pack("!i", len(pkt)) + pkt)
    try:
        while True:
            length = struct.unpack("!i", recv_exactly(sock, 4))[0]
            reply = recv_exactly(sock, length)
            rxid, _zxid, err = struct.unpack("!iqi", reply[:16])
            if rxid != -1:      # not a watch event
                break
    except (EOFError, ConnectionResetError, socket.timeout):
        return ("closed",)
    readable, _, _ = select.select([sock], [], [], 0.3)
    gone = bool(readable) and closed(sock)
    return (err, len(reply) - 16, gone)


def jstring(value):
    if value is None:
        return struct.pack("!i", -1)
    b = value.encode("utf-8") if isinstance(value, str) else value
    return struct.pack("!i", len(b)) + b


OPEN_ACL = struct.pack("!i", 1) + struct.pack("!i", 31) + jstring("world") + jstring("anyone")


def create_body(path, acl=OPEN_ACL):
    return jstring(path) + jstring(b"") + acl + struct.pack("!i", 0)


def one_acl(scheme, ident):
    return struct.pack("!i", 1) + struct.pack("!i", 31) + jstring(scheme) + jstring(ident)


def op_header(op, done=False):
    return struct.pack("!i?i", op, done, -1)


END = op_header(-1, True)
GET_ROOT = op_header(4) + jstring("/") + b"\0"

# name: (opcode, body, xid); each on a session of its own.
ODD_REQUESTS = {
    "create ''": (1, create_body(""), 1),
    "delete ''": (2, jstring("") + struct.pack("!i", -1), 1),
    "setData ''": (5, jstring("") + jstring(b"x") + struct.pack("!i", -1), 1),
    "check ''": (13, jstring("") + struct.pack("!i", -1), 1),
    "getData '' (the root)": (4, jstring("") + b"\0", 1),
    "exists ''": (3, jstring("") + b"\0", 1),
    "getChildren ''": (8, jstring("") + b"\0", 1),
    "getChildren2 ''": (12, jstring("") + b"\0", 1),
    "getACL ''": (6, jstring(""), 1),
    "getAllChildrenNumber ''": (104, jstring(""), 1),
    "sync ''": (9, jstring(""), 1),
    "getData null path": (4, jstring(None) + b"\0", 1),
    "create null path": (1, create_body(None), 1),
    "create outside the BMP": (1, create_body("/odd-\U0001F600"), 1),
    "getData outside the BMP": (4, jstring("/odd-\U0001F600") + b"\0", 1),
    "create digest u:": (1, create_body("/odd-d1", one_acl("digest", "u:")), 1),
    "create digest :": (1, create_body("/odd-d2", one_acl("digest", ":")), 1),
    "create digest u:p:": (1, create_body("/odd-d3", one_acl("digest", "u:p:")), 1),
    "addauth digest null": (100, struct.pack("!i", 0) + jstring("digest") + jstring(None), -4),
    "addauth digest empty": (100, struct.pack("!i", 0) + jstring("digest") + jstring(b""), -4),
    "addauth ip null": (100, struct.pack("!i", 0) + jstring("ip") + jstring(None), -4),
    "multi holding a read": (14, op_header(1) + create_body("/odd-m1") + GET_ROOT + END, 1),
    "multiRead holding a write": (22, GET_ROOT + op_header(1) + create_body("/odd-m2") + END, 1),
    "multiRead of writes only": (22, op_header(1) + create_body("/odd-m3") + END, 1),
    "getData record cut short": (4, jstring("/")[:3], 1),
    "create record cut short": (1, jstring("/odd-t") + struct.pack("!i", 10), 1),
}


def test_odd_requests_get_apaches_answers(servers):
    """The same bytes to a fresh Apache and a fresh zkserver: the same error code, reply size and close."""
    if not servers.have_zkserver():
        pytest.skip("zkserver not built")
    answers = {}
    for impl, start in (("apache", servers.start_apache), ("zkserver", servers.start_zkserver)):
        port = port_of(start(name="%s-odd" % impl))
        wait_serving(port)
        answers[impl] = {}
        for name, (op, body, xid) in ODD_REQUESTS.items():
            try:
                sock = handshake(port)
            except (EOFError, OSError) as e:
                answers[impl][name] = ("no session: %r" % e,)
                continue
            try:
                answers[impl][name] = raw_call(sock, op, body, xid)
            finally:
                sock.close()
        # A record that does not decode leaves the connection usable.
        sock = handshake(port)
        try:
            answers[impl]["bad record, then exists /"] = (raw_call(sock, 4, struct.pack("!i", 100), 1),
                                                          raw_call(sock, 3, jstring("/") + b"\0", 2))
        finally:
            sock.close()
    differ = {k: (answers["apache"][k], answers["zkserver"][k]) for k in answers["apache"]
              if answers["apache"][k] != answers["zkserver"][k]}
    assert not differ, "\n".join("%s: apache %s, zkserver %s" % (k, a, z) for k, (a, z) in differ.items())


def test_stmk_without_its_mask_closes_at_once(servers):
    if not servers.have_zkserver():
        pytest.skip("zkserver not built")
    for hosts in (servers.apache, servers.zkserver):
        sock = socket.create_connection(("127.0.0.1", port_of(hosts)), timeout=5)
        try:
            sock.sendall(b"stmk\0\0")
            assert sock.recv(100) == b"", hosts
        finally:
            sock.close()


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def test_a_client_that_never_reads_cannot_grow_the_server(servers, monkeypatch):
    """400,000 pipelined getData of a 1 KB node (10 MB of requests, more than the kernel's buffers hold),
    never read: Apache queues a reply for each it reads (100,000 add about 200 MB); zkserver stops reading
    that client, so its memory stays bounded and other sessions are served."""
    if not servers.have_zkserver():
        pytest.skip("zkserver not built")
    hosts = servers.start_zkserver(name="zkserver-unread")
    proc = servers._procs[-1]
    zk = KazooClient(hosts=hosts, timeout=10)
    zk.start(timeout=15)
    try:
        zk.create("/unread", b"x" * 1024)
        before = rss_kb(proc.pid)
        sock = handshake(port_of(hosts), timeout_ms=30000)
        request = jstring("/unread") + b"\0"
        batch = b"".join(struct.pack("!i", 8 + len(request)) + struct.pack("!ii", n + 1, 4) + request for n in range(400000))
        sock.setblocking(False)
        sent = 0
        deadline = time.time() + 20
        while sent < len(batch) and time.time() < deadline:
            try:
                sent += sock.send(batch[sent:sent + 65536])
            except BlockingIOError:
                time.sleep(0.05)
        time.sleep(1)
        grown_mb = (rss_kb(proc.pid) - before) / 1024
        print("sent %d of %d bytes; server grew %.1f MB" % (sent, len(batch), grown_mb))
        assert sent < len(batch), "the server read everything: it queued every reply"
        assert grown_mb < 64, grown_mb
        assert zk.get("/unread")[0] == b"x" * 1024
        sock.close()
    finally:
        zk.stop()
        zk.close()


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize("impl", ["apache", "zkserver"])
def test_out_of_file_descriptors_the_server_idles_and_recovers(servers, impl, tmp_path):
    """Under `ulimit -n 512`, 600 silent sockets use up the server's descriptors. Accepting fails with
    EMFILE; the server must not spin on it, and once the silent sockets are reaped (the 2 s sessionless
    timeout) a new client is served."""
    if impl == "zkserver" and not servers.have_zkserver():
        pytest.skip("zkserver not built")
    port = free_port()
    flag = "-Dzookeeper.nio.sessionlessCnxnTimeout=%d" % SESSIONLESS_MS
    limit = "ulimit -n 512 && "
    if impl == "apache":
        d = str(tmp_path / "apache")
        env = dict(os.environ, ZK_JVM_FLAGS=flag)
        subprocess.run(["bash", "-c", limit + 'exec "$0" start "$1" "$2"', os.path.join(ROOT, "scripts", "apache-zk.sh"), d, str(port)],
                       check=True, env=env, stdout=subprocess.DEVNULL, timeout=60)
        pid = int(open(os.path.join(d, "pid")).read())
        stop = lambda: subprocess.run([os.path.join(ROOT, "scripts", "apache-zk.sh"), "stop", d], stdout=subprocess.DEVNULL)
    else:
        cfg = write_cfg(str(tmp_path), port)
        proc = subprocess.Popen(["bash", "-c", limit + 'exec "$0" "$1" "$2"', servers.zkserver_bin, flag, cfg],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        assert wait_listening(port, 20, proc=proc)
        pid = proc.pid
        stop = lambda: (proc.terminate(), proc.wait(10))
    silent = []
    try:
        for _ in range(600):
            s = socket.socket()
            s.settimeout(1)
            try:
                s.connect(("127.0.0.1", port))
            except OSError:
                pass
            silent.append(s)
        t0, c0 = time.time(), cpu_seconds(pid)
        time.sleep(3)
        share = (cpu_seconds(pid) - c0) / (time.time() - t0)
        print("%s: %.0f%% of a core with its descriptors used up" % (impl, share * 100))
        assert share < 0.5, share
        zk = KazooClient(hosts="127.0.0.1:%d" % port, timeout=10)
        try:
            zk.start(timeout=30)
            assert zk.exists("/") is not None
        finally:
            zk.stop()
            zk.close()
    finally:
        for s in silent:
            s.close()
        stop()


def test_thirty_thousand_pipelined_creates_do_not_stall_a_bystander(fresh):
    """One session pipelines 30,000 creates; another reads meanwhile with a 4 s session, which must live.
    zkserver stops reading the flooder past globalOutstandingLimit (1000) outstanding requests."""
    port = port_of(fresh)
    bystander = KazooClient(hosts=fresh, timeout=4)
    bystander.start(timeout=15)
    try:
        bystander.create("/bystander-creates", b"", ephemeral=True)
        flooder = handshake(port, timeout_ms=30000)
        count = 30000
        packets = b"".join(
            (lambda body: struct.pack("!i", len(body)) + body)(
                struct.pack("!ii", n + 1, 1) + create_body("/flood-%d" % n))
            for n in range(count))
        worst = [0.0]
        running = [True]

        def read():
            while running[0]:
                t = time.time()
                bystander.exists("/")
                worst[0] = max(worst[0], time.time() - t)
                time.sleep(0.01)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        t0 = time.time()
        sender = threading.Thread(target=flooder.sendall, args=(packets,), daemon=True)
        sender.start()
        flooder.settimeout(60)
        for _ in range(count):
            length = struct.unpack("!i", recv_exactly(flooder, 4))[0]
            _xid, _zxid, err = struct.unpack("!iqi", recv_exactly(flooder, length)[:16])
            assert err == 0
        running[0] = False
        reader.join(timeout=10)
        print("30,000 creates in %.1f s; the bystander's slowest read %.2f s" % (time.time() - t0, worst[0]))
        flooder.close()
        assert bystander.connected and bystander.exists("/bystander-creates") is not None
    finally:
        bystander.stop()
        bystander.close()
