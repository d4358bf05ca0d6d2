"""zkserver's log and start-up failures as an operator meets them: Apache's start-script knobs choose the
level and the file, lines keep Apache's layout, significant events are logged and requests are not, and a
taken port stops the server with one clear line. zkbench refuses numbers it cannot use."""
import os
import re
import signal
import socket
import struct
import subprocess
import time

from kazoo.client import KazooClient

from compat_util import free_port, wait_listening

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, ".build", "debug")
ZKSERVER = os.path.abspath(os.path.join(ROOT, os.environ.get("ZKSERVER_BIN", ".build/debug/zkserver")))
LAYOUT = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[myid:\d*\] - (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) \[zkserver\] - ")


def write_cfg(tmp_path, port, extra=""):
    cfg = tmp_path / "zoo.cfg"
    cfg.write_text("tickTime=500\ndataDir=%s\nclientPort=%d\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n%s"
                   % (tmp_path / "data", port, extra))
    return cfg


class Running:
    def __init__(self, args, env=None):
        self.proc = subprocess.Popen([ZKSERVER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=dict(os.environ, **(env or {})))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.communicate()


def wait_for(predicate, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_log_file_layout_events_and_nothing_per_request(tmp_path):
    port = free_port()
    logs = tmp_path / "logs"
    logs.mkdir()
    cfg = write_cfg(tmp_path, port, "maxClientCnxns=3\n")
    server = Running(["-Dzookeeper.root.logger=INFO,ROLLINGFILE", "-Dzookeeper.log.dir=%s" % logs,
                      "-Dzookeeper.log.file=zk-test.log", str(cfg)])
    path = logs / "zk-test.log"
    try:
        assert wait_listening(port, 30, server.proc)
        assert wait_for(lambda: path.exists() and "serving on" in path.read_text())
        client = KazooClient(hosts="127.0.0.1:%d" % port, timeout=2)
        client.start(timeout=15)
        before = path.read_text().count("\n")
        for i in range(300):
            client.create("/n%d" % i, b"x")
            client.get("/n%d" % i)
        time.sleep(0.5)
        assert path.read_text().count("\n") == before, "requests are not logged at INFO"
        # Refused connections are logged with the limit (Apache's words); the client and two raw sockets fill it.
        extra = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        assert wait_for(lambda: "Too many connections from /127.0.0.1 - max is 3" in path.read_text())
        for s in extra:
            s.close()
        client.stop()
        client.close()
    finally:
        out, err = server.stop()
    text = path.read_text()
    lines = text.splitlines()
    assert lines and all(LAYOUT.match(line) for line in lines), "\n".join(l for l in lines if not LAYOUT.match(l))
    assert "shutting down (signal 15)" in text
    assert "serving on" not in err, "with a file appender nothing goes to stderr"


def raw_session(port, timeout_ms):
    """A session opened by hand, whose socket then goes without a closeSession: it can only expire."""
    sock = socket.create_connection(("127.0.0.1", port))
    body = struct.pack("!iqiq", 0, 0, timeout_ms, 0) + struct.pack("!i", 16) + b"\0" * 16
    sock.sendall(struct.pack("!i", len(body)) + body)
    reply = b""
    while len(reply) < 4 + 20:
        reply += sock.recv(64)
    _, _, timeout, session = struct.unpack("!iiiq", reply[:20])
    sock.close()
    return session, timeout


def test_session_expiry_is_logged(tmp_path):
    port = free_port()
    server = Running([str(write_cfg(tmp_path, port))])
    try:
        assert wait_listening(port, 30, server.proc)
        session, timeout = raw_session(port, 1000)
        time.sleep(timeout / 1000 + 2)
    finally:
        out, err = server.stop()
    assert "Expiring session 0x%x, timeout of %dms exceeded" % (session, timeout) in err, err
    assert all(LAYOUT.match(line) for line in err.splitlines() if line), err


def test_warn_level_keeps_info_out(tmp_path):
    port = free_port()
    server = Running([str(write_cfg(tmp_path, port))], env={"ZOO_LOG4J_PROP": "WARN,CONSOLE"})
    try:
        assert wait_listening(port, 30, server.proc)
    finally:
        out, err = server.stop()
    assert " - INFO " not in err and "serving on" not in err, err


def test_a_taken_port_stops_the_server_with_one_clear_line(tmp_path):
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    try:
        out = subprocess.run([ZKSERVER, str(write_cfg(tmp_path, port))], capture_output=True, text=True, timeout=30)
    finally:
        holder.close()
    assert out.returncode == 1, out
    assert "zkserver: cannot listen on 127.0.0.1:%d (clientPort): the port is taken" % port in out.stderr, out.stderr


def test_an_unopenable_log_file_stops_the_server(tmp_path):
    port = free_port()
    out = subprocess.run([ZKSERVER, "-Dzookeeper.root.logger=INFO,ROLLINGFILE", "-Dzookeeper.log.dir=%s" % (tmp_path / "nope"),
                          str(write_cfg(tmp_path, port))], capture_output=True, text=True, timeout=30)
    assert out.returncode == 1 and "cannot open log file" in out.stderr, out


def test_zkbench_refuses_bad_numbers():
    zkbench = os.path.join(BIN, "zkbench")
    for args in (["--clients", "0"], ["--clients", "many"], ["--seconds", "-1"], ["--mode", "delete"],
                 ["--size", "2000000"], ["--server", ""], ["make-snapshot", "/tmp/x", "--nodes", "0"]):
        out = subprocess.run([zkbench, *args], capture_output=True, text=True, timeout=30)
        assert out.returncode != 0 and out.stderr.strip(), (args, out)
        assert "Error:" in out.stderr, (args, out.stderr)
