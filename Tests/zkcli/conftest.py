"""Servers for the zkcli command tests: Apache ZooKeeper 3.8.0 (scripts/apache-zk.sh) and our zkserver
($ZKSERVER_BIN, default .build/debug/zkserver), each standalone on a free 127.0.0.1 port with every
four-letter word whitelisted, extended types (TTL) enabled, the super digest super:test, and a 200 ms
container/TTL reaper. Both are started once per session, on first use, and always stopped at the end.

Env: ZKSERVER_BIN  our server;  ZKCLI  the shell (default .build/debug/zkcli);
     ZKCLI_APACHE_HOSTS / ZKCLI_ZKSERVER_HOSTS  use an already running server instead of starting one.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "compat"))

from compat_util import free_port, wait_listening  # noqa: E402
from zkcli_util import root  # noqa: E402,F401 (the per-test root node fixture)

APACHE_SCRIPT = os.path.join(ROOT, "scripts", "apache-zk.sh")
ZKSERVER_BIN = os.path.abspath(os.path.join(ROOT, os.environ.get("ZKSERVER_BIN", ".build/debug/zkserver")))
CONTAINER_CHECK_FLAG = "-Dznode.container.checkIntervalMs=200"
SUPER_DIGEST = "-Dzookeeper.DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU="


class Target:
    """One server under test: `name` is "apache" or "zkserver", `hosts` is host:port."""

    def __init__(self, name, hosts):
        self.name = name
        self.hosts = hosts

    def __repr__(self):
        return "%s(%s)" % (self.name, self.hosts)


class ZkServers:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="zkcli-cmds-")
        self.started = {}
        self.errors = {}
        self._apache_dir = None
        self._proc = None

    def get(self, name):
        if name not in self.started and name not in self.errors:
            try:
                self.started[name] = self._start_apache() if name == "apache" else self._start_zkserver()
            except Exception as e:  # reported as a skip by the target fixture
                self.errors[name] = str(e)
        return self.started.get(name)

    def _start_apache(self):
        if os.environ.get("ZKCLI_APACHE_HOSTS"):
            return os.environ["ZKCLI_APACHE_HOSTS"]
        if not shutil.which("java") or not os.path.isfile("/usr/share/java/zookeeper.jar"):
            raise RuntimeError("java or /usr/share/java/zookeeper.jar missing (apt-get install zookeeper)")
        d = os.path.join(self.tmp, "apache")
        port = free_port()
        env = dict(os.environ)
        env["ZK_JVM_FLAGS"] = (env.get("ZK_JVM_FLAGS", "") + " " + CONTAINER_CHECK_FLAG).strip()
        self._apache_dir = d
        subprocess.run([APACHE_SCRIPT, "start", d, str(port)], check=True, env=env,
                       stdout=subprocess.DEVNULL, timeout=90)
        return "127.0.0.1:%d" % port

    def _start_zkserver(self):
        if os.environ.get("ZKCLI_ZKSERVER_HOSTS"):
            return os.environ["ZKCLI_ZKSERVER_HOSTS"]
        if not os.access(ZKSERVER_BIN, os.X_OK):
            raise RuntimeError("zkserver not built (%s)" % ZKSERVER_BIN)
        d = os.path.join(self.tmp, "zkserver")
        os.makedirs(os.path.join(d, "data"))
        port = free_port()
        cfg = os.path.join(d, "zoo.cfg")
        with open(cfg, "w") as f:
            f.write("\n".join([
                "tickTime=2000", "initLimit=10", "syncLimit=5",
                "dataDir=%s" % os.path.join(d, "data"),
                "clientPort=%d" % port, "clientPortAddress=127.0.0.1",
                "maxClientCnxns=0", "4lw.commands.whitelist=*",
                "extendedTypesEnabled=true", "admin.enableServer=false",
                "autopurge.purgeInterval=0"]) + "\n")
        log = open(os.path.join(d, "zkserver.log"), "w")
        self._proc = subprocess.Popen([ZKSERVER_BIN, SUPER_DIGEST, CONTAINER_CHECK_FLAG, cfg],
                                      stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=d)
        log.close()
        if not wait_listening(port, 20, proc=self._proc):
            tail = open(os.path.join(d, "zkserver.log"), errors="replace").read()[-2000:]
            raise RuntimeError("zkserver not listening on %d (exit %s):\n%s" % (port, self._proc.poll(), tail))
        return "127.0.0.1:%d" % port

    def close(self):
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(10)
        if self._apache_dir:
            subprocess.run([APACHE_SCRIPT, "stop", self._apache_dir], stdout=subprocess.DEVNULL, timeout=60)
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def zk_servers():
    s = ZkServers()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def target(request, zk_servers):
    """The server a test runs against (parametrize "target" indirectly with "apache"/"zkserver")."""
    name = request.param
    hosts = zk_servers.get(name)
    if hosts is None:
        pytest.skip("%s not available: %s" % (name, zk_servers.errors.get(name)))
    return Target(name, hosts)
