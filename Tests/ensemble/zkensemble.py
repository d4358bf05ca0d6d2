#!/usr/bin/env python3
"""Start, stop and disturb an N-server ZooKeeper ensemble on 127.0.0.1 (standard library only).

Either implementation runs from the same per-server zoo.cfg:
  apache   : java ... org.apache.zookeeper.server.quorum.QuorumPeerMain sN/zoo.cfg
             (Debian's zookeeper 3.8.0 jars, as scripts/apache-zk.sh starts it)
  zkserver : $ZKSERVER_BIN sN/zoo.cfg  (default .build/debug/zkserver)

Layout under ROOT: ensemble.json (ports, implementation, settings), and per server sN/ with
zoo.cfg, data/myid, log4j.properties (Apache), zk.log / stdout.log, pid.

Used as a module by Tests/ensemble (class Ensemble), and from the shell through
scripts/ensemble.sh, which runs this file:
  start ROOT [--impl apache|zkserver] [-n 3] [--observers 0] [--tick 500] [--init-limit 10]
             [--sync-limit 5] [--timeout 60]       write configs, start all, wait for a leader
  stop ROOT                                        SIGKILL every server (after SIGCONT)
  status ROOT                                      one line per server: id, client port, pid, mode
  leader ROOT                                      the leader's id (exit 1 if none)
  hosts ROOT                                       the client connect string
  kill|term|pause|resume|start-one|restart ROOT ID one server: SIGKILL, SIGTERM, SIGSTOP, SIGCONT,
                                                   start, kill+start
  wait ROOT [--timeout S]                          wait until every live server serves, one leader
  srvr|mntr|conf|... ROOT ID                       print a four-letter word's answer
"""
import argparse
import json
import os
import shutil
import signal as sig_
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT_DIR = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.dirname(HERE))
from ports import free_ports  # noqa: E402,F401 (also for faultproxy and the tests)
# netty-codec and netty-resolver are missing from zookeeper.jar's manifest Class-Path; Apache's X509Util
# (sslQuorum) needs them.
JAVA_CP = ["/usr/share/java/zookeeper.jar", "/usr/share/java/log4j-1.2.jar",
           "/usr/share/java/slf4j-log4j12.jar", "/usr/share/java/netty-codec.jar", "/usr/share/java/netty-resolver.jar"]
NOT_SERVING = "This ZooKeeper instance is not currently serving requests"
SERVING_MODES = ("leader", "follower", "observer")


class EnsembleError(Exception):
    pass


def four_letter(port, word, timeout=3.0, host="127.0.0.1"):
    """The answer to a four-letter word, or None when nothing listens / no answer in time."""
    try:
        s = socket.create_connection((host, port), timeout=timeout)
    except OSError:
        return None
    try:
        s.settimeout(timeout)
        s.sendall(word.encode())
        data = b""
        while True:
            try:
                b = s.recv(65536)
            except ConnectionResetError:
                break
            except socket.timeout:
                return data.decode("utf-8", "replace") if data else None
            if not b:
                break
            data += b
        return data.decode("utf-8", "replace")
    except OSError:
        return None
    finally:
        s.close()


def parse_srvr(text):
    """srvr/stat answer -> {"Mode": ..., "Zxid": ..., "Node count": ...}; {} when not serving."""
    out = {}
    for line in (text or "").splitlines():
        if ": " in line:
            k, v = line.split(": ", 1)
            out[k.strip()] = v.strip()
    return out


def parse_mntr(text):
    out = {}
    for line in (text or "").splitlines():
        if "\t" in line:
            k, v = line.split("\t", 1)
            out[k] = v
    return out


class Server:
    def __init__(self, sid, client_port, quorum_port, election_port, observer=False):
        self.sid = sid
        self.client_port = client_port
        self.quorum_port = quorum_port
        self.election_port = election_port
        self.observer = observer
        self.dir = None
        self.proc = None        # Popen when started by this process
        self.paused = False

    @property
    def hostport(self):
        return "127.0.0.1:%d" % self.client_port

    def to_json(self):
        return {"sid": self.sid, "client_port": self.client_port, "quorum_port": self.quorum_port,
                "election_port": self.election_port, "observer": self.observer}


class Ensemble:
    """N participants (+ observers) on 127.0.0.1, ids 1..N+observers.

    peer_ports: optional {sid: (quorum_port, election_port)} written in every server.N line
    instead of the server's own ports (a fault proxy listens there and forwards to the real
    ones; see faultproxy.py). The server itself still listens on its own ports only if its own
    line names them, so a proxied ensemble gives each server a config of its own
    (per_server_peer_ports: {sid: {peer_sid: (q, e)}})."""

    def __init__(self, root, n=3, impl="apache", observers=0, tick_time=500, init_limit=10,
                 sync_limit=5, zkserver_bin=None, extra_cfg=(), jvm_flags=None,
                 per_server_peer_ports=None, admin=False, _servers=None):
        if impl not in ("apache", "zkserver"):
            raise ValueError("impl must be apache or zkserver, not %r" % impl)
        self.root = os.path.abspath(root)
        self.n = n
        self.impl = impl
        self.tick_time = tick_time
        self.init_limit = init_limit
        self.sync_limit = sync_limit
        self.extra_cfg = list(extra_cfg)
        self.jvm_flags = jvm_flags if jvm_flags is not None else os.environ.get("ZK_JVM_FLAGS", "").split()
        self.zkserver_bin = os.path.abspath(os.path.join(
            ROOT_DIR, zkserver_bin or os.environ.get("ZKSERVER_BIN", ".build/debug/zkserver")))
        self.per_server_peer_ports = per_server_peer_ports or {}
        if _servers is not None:
            self.servers = _servers
        else:
            self.servers = {}
            for i in range(1, n + observers + 1):
                c, q, e = free_ports(3)
                self.servers[i] = Server(i, c, q, e, observer=i > n)
        for s in self.servers.values():
            s.dir = os.path.join(self.root, "s%d" % s.sid)
        # admin=True: each server's AdminServer on 127.0.0.1:s.admin_port (otherwise it is off).
        self.admin = admin
        if admin:
            for s, port in zip(self.servers.values(), free_ports(len(self.servers))):
                s.admin_port = port

    # ---- configuration ---------------------------------------------------------------

    def server_line(self, s, ports=None):
        q, e = ports or (s.quorum_port, s.election_port)
        role = ":observer" if s.observer else ""
        return "server.%d=127.0.0.1:%d:%d%s;127.0.0.1:%d" % (s.sid, q, e, role, s.client_port)

    def config_text(self, s):
        lines = [
            "tickTime=%d" % self.tick_time,
            "initLimit=%d" % self.init_limit,
            "syncLimit=%d" % self.sync_limit,
            "dataDir=%s" % os.path.join(s.dir, "data"),
            "clientPort=%d" % s.client_port,
            "clientPortAddress=127.0.0.1",
            "maxClientCnxns=0",
            "4lw.commands.whitelist=*",
        ] + (["admin.enableServer=true", "admin.serverAddress=127.0.0.1", "admin.serverPort=%d" % s.admin_port]
             if self.admin else ["admin.enableServer=false"]) + [
            "autopurge.purgeInterval=0",
        ]
        if s.observer:
            lines.append("peerType=observer")
        lines += self.extra_cfg
        peer_ports = self.per_server_peer_ports.get(s.sid, {})
        for p in sorted(self.servers.values(), key=lambda x: x.sid):
            lines.append(self.server_line(p, peer_ports.get(p.sid)))
        return "\n".join(lines) + "\n"

    def write_configs(self):
        os.makedirs(self.root, exist_ok=True)
        for s in self.servers.values():
            os.makedirs(os.path.join(s.dir, "data"), exist_ok=True)
            with open(os.path.join(s.dir, "zoo.cfg"), "w") as f:
                f.write(self.config_text(s))
            with open(os.path.join(s.dir, "data", "myid"), "w") as f:
                f.write("%d\n" % s.sid)
            with open(os.path.join(s.dir, "log4j.properties"), "w") as f:
                f.write("log4j.rootLogger=INFO, FILE\n"
                        "log4j.appender.FILE=org.apache.log4j.FileAppender\n"
                        "log4j.appender.FILE.File=%s\n"
                        "log4j.appender.FILE.Append=true\n"
                        "log4j.appender.FILE.layout=org.apache.log4j.PatternLayout\n"
                        "log4j.appender.FILE.layout.ConversionPattern="
                        "%%d{ISO8601} [myid:%%X{myid}] - %%-5p [%%t:%%C{1}@%%L] - %%m%%n\n"
                        % os.path.join(s.dir, "zk.log"))
        self.save()

    def save(self):
        state = {"impl": self.impl, "n": self.n, "tick_time": self.tick_time,
                 "init_limit": self.init_limit, "sync_limit": self.sync_limit,
                 "extra_cfg": self.extra_cfg, "zkserver_bin": self.zkserver_bin,
                 "jvm_flags": self.jvm_flags,
                 "servers": [s.to_json() for s in self.servers.values()]}
        with open(os.path.join(self.root, "ensemble.json"), "w") as f:
            json.dump(state, f, indent=1)

    @classmethod
    def load(cls, root):
        with open(os.path.join(root, "ensemble.json")) as f:
            st = json.load(f)
        servers = {}
        for d in st["servers"]:
            servers[d["sid"]] = Server(d["sid"], d["client_port"], d["quorum_port"],
                                       d["election_port"], d["observer"])
        return cls(root, n=st["n"], impl=st["impl"], tick_time=st["tick_time"],
                   init_limit=st["init_limit"], sync_limit=st["sync_limit"],
                   zkserver_bin=st["zkserver_bin"], extra_cfg=st["extra_cfg"],
                   jvm_flags=st.get("jvm_flags"), _servers=servers)

    # ---- processes -------------------------------------------------------------------

    def command(self, s):
        cfg = os.path.join(s.dir, "zoo.cfg")
        if self.impl == "zkserver":
            # zkserver takes Apache's -Dkey=value system properties as arguments
            return [self.zkserver_bin] + [f for f in self.jvm_flags if f.startswith("-D")] + [cfg]
        heap = os.environ.get("ZK_JVM_HEAP_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1").split()
        # Debian leaves the servlet API off the server's class path; Apache's AdminServer needs it.
        admin_cp = ["/usr/share/java/servlet-api.jar"] if self.admin else []
        return (["java"] + heap + ["-Dzookeeper.admin.enableServer=%s" % ("true" if self.admin else "false")] +
                self.jvm_flags +
                ["-Dlog4j.configuration=file:%s" % os.path.join(s.dir, "log4j.properties"),
                 "-cp", ":".join([s.dir] + JAVA_CP + admin_cp),
                 "org.apache.zookeeper.server.quorum.QuorumPeerMain", cfg])

    def pid(self, sid):
        s = self.servers[sid]
        if s.proc is not None:
            return s.proc.pid
        try:
            with open(os.path.join(s.dir, "pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def alive(self, sid):
        s = self.servers[sid]
        if s.proc is not None:
            return s.proc.poll() is None
        pid = self.pid(sid)
        if pid is None:
            return False
        try:
            with open("/proc/%d/stat" % pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            return state != "Z"
        except OSError:
            return False

    def start(self, sid):
        s = self.servers[sid]
        if self.alive(sid):
            raise EnsembleError("server %d is already running (pid %s)" % (sid, self.pid(sid)))
        if self.impl == "zkserver" and not os.access(self.zkserver_bin, os.X_OK):
            raise EnsembleError("zkserver binary not found: %s (set ZKSERVER_BIN)" % self.zkserver_bin)
        logname = "stdout.log" if self.impl == "apache" else "zkserver.log"
        log = open(os.path.join(s.dir, logname), "ab")
        log.write(("==== start %s\n" % time.strftime("%H:%M:%S")).encode())
        log.flush()
        s.proc = subprocess.Popen(self.command(s), stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, cwd=s.dir, start_new_session=True)
        log.close()
        s.paused = False
        with open(os.path.join(s.dir, "pid"), "w") as f:
            f.write("%d\n" % s.proc.pid)
        return s.proc.pid

    def start_all(self, wait=True, timeout=60):
        for sid in sorted(self.servers):
            if not self.alive(sid):
                self.start(sid)
        if wait:
            return self.wait_serving(timeout=timeout)

    def send_signal(self, sid, sig):
        pid = self.pid(sid)
        if pid is None or not self.alive(sid):
            raise EnsembleError("server %d is not running" % sid)
        os.kill(pid, sig)

    def kill(self, sid, sig=sig_.SIGKILL, timeout=15):
        """SIGKILL (default) or SIGTERM one server and wait (bounded) until it has exited."""
        s = self.servers[sid]
        if not self.alive(sid):
            return
        pid = self.pid(sid)
        if s.paused and sig != sig_.SIGKILL:
            os.kill(pid, sig_.SIGCONT)
        os.kill(pid, sig)
        end = time.time() + timeout
        while self.alive(sid) and time.time() < end:
            time.sleep(0.02)
        if self.alive(sid):
            os.kill(pid, sig_.SIGKILL)
            end = time.time() + 5
            while self.alive(sid) and time.time() < end:
                time.sleep(0.02)
        if s.proc is not None:
            try:
                s.proc.wait(1)
            except subprocess.TimeoutExpired:
                pass
        s.paused = False

    def pause(self, sid):
        self.send_signal(sid, sig_.SIGSTOP)
        self.servers[sid].paused = True

    def resume(self, sid):
        self.send_signal(sid, sig_.SIGCONT)
        self.servers[sid].paused = False

    def restart(self, sid, wait=True, timeout=60):
        self.kill(sid)
        self.start(sid)
        if wait:
            self.wait_server(sid, timeout=timeout)

    def close(self, remove=False):
        """Kill every server (SIGCONT first for paused ones). Never raises."""
        for sid in sorted(self.servers):
            try:
                pid = self.pid(sid)
                if pid is not None and self.alive(sid):
                    try:
                        os.kill(pid, sig_.SIGCONT)
                    except OSError:
                        pass
                    self.kill(sid)
            except Exception:  # noqa: BLE001 - teardown must go on
                pass
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    # ---- observation -----------------------------------------------------------------

    def fourlw(self, sid, word, timeout=3.0):
        return four_letter(self.servers[sid].client_port, word, timeout=timeout)

    def srvr(self, sid, timeout=3.0):
        """{"Mode": ..., ...} from srvr; {} when not serving, None when no answer at all."""
        text = self.fourlw(sid, "srvr", timeout)
        if text is None:
            return None
        return parse_srvr(text)

    def mode(self, sid, timeout=3.0):
        st = self.srvr(sid, timeout)
        if st is None:
            return None
        return st.get("Mode", "not serving")

    def modes(self, sids=None):
        return {sid: (self.mode(sid) if self.alive(sid) and not self.servers[sid].paused else "down")
                for sid in (sids or sorted(self.servers))}

    def hosts(self, sids=None):
        return ",".join(self.servers[sid].hostport for sid in (sids or sorted(self.servers)))

    def live(self):
        return [sid for sid in sorted(self.servers) if self.alive(sid) and not self.servers[sid].paused]

    def leader(self, sids=None):
        """The id of the one server whose srvr says Mode: leader, or None."""
        leaders = [sid for sid, m in self.modes(sids).items() if m == "leader"]
        return leaders[0] if len(leaders) == 1 else None

    def followers(self):
        return [sid for sid, m in self.modes().items() if m == "follower"]

    def observers(self):
        return [sid for sid, m in self.modes().items() if m == "observer"]

    def describe(self):
        return ", ".join("%d:%s" % (sid, m) for sid, m in self.modes().items())

    def log_tail(self, sid, chars=3000):
        s = self.servers[sid]
        out = []
        for name in ("zk.log", "stdout.log", "zkserver.log"):
            p = os.path.join(s.dir, name)
            if os.path.exists(p):
                with open(p, errors="replace") as f:
                    out.append("---- %s\n%s" % (p, f.read()[-chars:]))
        return "\n".join(out)

    def _standalone_check(self, modes):
        bad = [sid for sid, m in modes.items() if m == "standalone"]
        if bad:
            raise EnsembleError(
                "server(s) %s run standalone although zoo.cfg lists %d servers (modes: %s)\n%s"
                % (bad, len(self.servers), modes, self.log_tail(bad[0], 1500)))

    def wait_serving(self, sids=None, timeout=60):
        """Wait until every given (default: every running, not paused) server serves and exactly
        one of them (or, with sids a subset, at most one) is leader. Returns the leader's id."""
        end = time.time() + timeout
        modes = {}
        while time.time() < end:
            want = sids or self.live()
            for sid in want:
                if not self.alive(sid):
                    raise EnsembleError("server %d exited\n%s" % (sid, self.log_tail(sid)))
            modes = {sid: self.mode(sid, timeout=2) for sid in want}
            self._standalone_check(modes)
            if all(m in SERVING_MODES for m in modes.values()):
                leaders = [sid for sid, m in modes.items() if m == "leader"]
                if len(leaders) == 1:
                    return leaders[0]
            time.sleep(0.1)
        raise EnsembleError("ensemble not serving after %ss: %s" % (timeout, modes))

    def wait_server(self, sid, modes=SERVING_MODES, timeout=60):
        """Wait until one server answers srvr with one of the given modes; returns the mode."""
        end = time.time() + timeout
        m = None
        while time.time() < end:
            if not self.alive(sid):
                raise EnsembleError("server %d exited\n%s" % (sid, self.log_tail(sid)))
            m = self.mode(sid, timeout=2)
            self._standalone_check({sid: m})
            if m in modes:
                return m
            time.sleep(0.1)
        raise EnsembleError("server %d: mode %r after %ss (want %s); all: %s"
                            % (sid, m, timeout, modes, self.describe()))

    def wait_new_leader(self, old, sids=None, timeout=60):
        """Wait until a server other than `old` is leader; returns (leader id, seconds waited)."""
        t0 = time.time()
        end = t0 + timeout
        while time.time() < end:
            cand = [s for s in (sids or self.live()) if s != old]
            for sid in cand:
                if self.mode(sid, timeout=1) == "leader":
                    return sid, time.time() - t0
            time.sleep(0.05)
        raise EnsembleError("no new leader after %ss: %s" % (timeout, self.describe()))

    def wait_agree(self, sids=None, timeout=30, settle=0.5):
        """Wait until the given servers report the same Zxid and Node count in srvr twice in a
        row (settle seconds apart). Returns {sid: srvr dict}."""
        end = time.time() + timeout
        last = None
        while time.time() < end:
            st = {sid: self.srvr(sid) or {} for sid in (sids or self.live())}
            key = {(d.get("Zxid"), d.get("Node count")) for d in st.values()}
            if len(key) == 1 and None not in next(iter(key)):
                if last == key:
                    return st
                last = key
                time.sleep(settle)
                continue
            last = None
            time.sleep(0.2)
        raise EnsembleError("servers do not agree after %ss: %s"
                            % (timeout, {sid: (d.get("Mode"), d.get("Zxid"), d.get("Node count"))
                                         for sid, d in st.items()}))


# ---- command line (scripts/ensemble.sh) ----------------------------------------------

def main(argv):
    ap = argparse.ArgumentParser(prog="ensemble.sh", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd")
    ap.add_argument("root")
    ap.add_argument("sid", nargs="?", type=int)
    ap.add_argument("--impl", default=os.environ.get("ENSEMBLE_IMPL", "apache"))
    ap.add_argument("-n", type=int, default=3)
    ap.add_argument("--observers", type=int, default=0)
    ap.add_argument("--tick", type=int, default=500)
    ap.add_argument("--init-limit", type=int, default=10)
    ap.add_argument("--sync-limit", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args(argv)

    if a.cmd == "start":
        if os.path.exists(os.path.join(a.root, "ensemble.json")):
            Ensemble.load(a.root).close()
            shutil.rmtree(a.root, ignore_errors=True)
        e = Ensemble(a.root, n=a.n, impl=a.impl, observers=a.observers, tick_time=a.tick,
                     init_limit=a.init_limit, sync_limit=a.sync_limit)
        e.write_configs()
        t0 = time.time()
        try:
            leader = e.start_all(timeout=a.timeout)
        except EnsembleError as err:
            print("ensemble: %s" % err, file=sys.stderr)
            e.close()
            return 1
        print("ensemble: %s, %d servers serving after %.1fs, leader %d; hosts %s"
              % (e.impl, len(e.servers), time.time() - t0, leader, e.hosts()))
        return 0

    e = Ensemble.load(a.root)

    def need_sid():
        if a.sid is None or a.sid not in e.servers:
            ap.error("%s needs a server id (1..%d)" % (a.cmd, len(e.servers)))
        return a.sid

    if a.cmd == "stop":
        e.close()
    elif a.cmd == "status":
        for sid in sorted(e.servers):
            st = e.srvr(sid) if e.alive(sid) else None
            print("%d\t127.0.0.1:%d\tpid=%s\t%s\tzxid=%s" % (
                sid, e.servers[sid].client_port, e.pid(sid) if e.alive(sid) else "-",
                "down" if not e.alive(sid) else (st.get("Mode", "not serving") if st is not None else "no answer"),
                (st or {}).get("Zxid", "-")))
    elif a.cmd == "leader":
        leader = e.leader([s for s in sorted(e.servers) if e.alive(s)])
        if leader is None:
            return 1
        print(leader)
    elif a.cmd == "hosts":
        print(e.hosts())
    elif a.cmd == "kill":
        e.kill(need_sid())
    elif a.cmd == "term":
        e.kill(need_sid(), sig=sig_.SIGTERM)
    elif a.cmd == "pause":
        e.send_signal(need_sid(), sig_.SIGSTOP)
    elif a.cmd == "resume":
        e.send_signal(need_sid(), sig_.SIGCONT)
    elif a.cmd in ("start-one", "restart"):
        sid = need_sid()
        e.kill(sid)
        e.start(sid)
        print("server %d: %s" % (sid, e.wait_server(sid, timeout=a.timeout)))
    elif a.cmd == "wait":
        print("leader %d" % e.wait_serving([s for s in sorted(e.servers) if e.alive(s)], timeout=a.timeout))
    elif len(a.cmd) == 4:
        print(e.fourlw(need_sid(), a.cmd) or "", end="")
    else:
        ap.error("unknown command %s" % a.cmd)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except EnsembleError as err:
        print("ensemble: %s" % err, file=sys.stderr)
        sys.exit(1)
