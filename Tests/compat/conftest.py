"""Compatibility suite: run each scenario against Apache ZooKeeper 3.8.0 (reference)
and against our zkserver, and compare normalized results.

Run:   scripts/install-deps.sh && .venv/bin/pytest Tests/compat -q
Env:   ZKSERVER_BIN           path of our server (default .build/debug/zkserver); when it
                              does not exist every comparison is skipped after the
                              scenario has run against Apache (so the suite still validates).
       ZK_COMPAT_APACHE_HOSTS use an already running reference (host:port) instead of starting one
       ZK_COMPAT_ZKSERVER_HOSTS use an already running zkserver instead of starting one
       ZK_COMPAT_DUMP         directory: write each scenario's Apache result as JSON there
                              (handy as expected values for Swift tests)

A scenario is a module-level function named scn_* taking a Ctx (ctx.zk is a connected
KazooClient; ctx.base is a per-scenario path) and returning a JSON-like value built
with ctx.call()/ctx.norm(). Each test module has `test_scenario(scenario, compare)`.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

from compat_util import Ctx, four_letter, wait_listening, free_port  # noqa: E402
import apache_clients  # noqa: E402

# Both servers run their container/TTL reaper every CONTAINER_CHECK_MS (default 60 s), so that
# scenarios can observe reaping. Apache reads znode.container.checkIntervalMs only as a Java
# system property (as a zoo.cfg key it becomes zookeeper.znode.container.checkIntervalMs, which
# nothing reads), so both get it as -D flag; zkserver also accepts it as a zoo.cfg key.
CONTAINER_CHECK_MS = 200
CONTAINER_CHECK_FLAG = "-Dznode.container.checkIntervalMs=%d" % CONTAINER_CHECK_MS


def write_cfg(dirpath, port, extra=()):
    os.makedirs(os.path.join(dirpath, "data"), exist_ok=True)
    lines = [
        "tickTime=2000", "initLimit=10", "syncLimit=5",
        "dataDir=%s" % os.path.join(dirpath, "data"),
        "clientPort=%d" % port, "clientPortAddress=127.0.0.1",
        "maxClientCnxns=0", "4lw.commands.whitelist=*",
        "extendedTypesEnabled=true", "admin.enableServer=false",
        "autopurge.purgeInterval=0",
    ] + list(extra)
    path = os.path.join(dirpath, "zoo.cfg")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


class Servers:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="zk-compat-")
        self.apache = None
        self.zkserver = None
        self._apache_dirs = []
        self._procs = []
        self.zkserver_bin = os.path.abspath(os.path.join(
            ROOT, os.environ.get("ZKSERVER_BIN", ".build/debug/zkserver")))

    def start_apache(self, name="apache", whitelist=None, admin_port=None):
        d = os.path.join(self.tmp, name)
        port = free_port()
        env = dict(os.environ)
        if admin_port:
            env["ZK_ADMIN_PORT"] = str(admin_port)
        env["ZK_JVM_FLAGS"] = (env.get("ZK_JVM_FLAGS", "") + " " + CONTAINER_CHECK_FLAG).strip()
        if whitelist is not None:
            env["ZK_WHITELIST"] = whitelist
        subprocess.run([os.path.join(ROOT, "scripts", "apache-zk.sh"), "start", d, str(port)],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        self._apache_dirs.append(d)
        return "127.0.0.1:%d" % port

    def have_zkserver(self):
        return os.path.isfile(self.zkserver_bin) and os.access(self.zkserver_bin, os.X_OK)

    def start_zkserver(self, name="zkserver", extra=(), whitelist="*"):
        d = os.path.join(self.tmp, name)
        port = free_port()
        cfg = write_cfg(d, port, extra)
        if whitelist != "*":
            txt = open(cfg).read().replace("4lw.commands.whitelist=*\n",
                                           "" if not whitelist else "4lw.commands.whitelist=%s\n" % whitelist)
            open(cfg, "w").write(txt)
        log = open(os.path.join(d, "zkserver.log"), "w")
        # Apache gets the super digest as a JVM flag (scripts/apache-zk.sh); zkserver takes the same flag.
        superdigest = "-Dzookeeper.DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU="
        p = subprocess.Popen([self.zkserver_bin, superdigest, CONTAINER_CHECK_FLAG, cfg],
                             stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, cwd=d)
        self._procs.append(p)
        if not wait_listening(port, 20, proc=p):
            log.close()
            tail = open(os.path.join(d, "zkserver.log"), errors="replace").read()[-2000:]
            raise RuntimeError("zkserver (%s %s) is not listening on %d; exit=%s; log tail:\n%s"
                               % (self.zkserver_bin, cfg, port, p.poll(), tail))
        return "127.0.0.1:%d" % port

    def close_zkservers(self):
        for p in self._procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()

    def close(self):
        self.close_zkservers()
        for d in self._apache_dirs:
            subprocess.run([os.path.join(ROOT, "scripts", "apache-zk.sh"), "stop", d],
                           stdout=subprocess.DEVNULL)
        if not os.environ.get("ZK_COMPAT_KEEP"):
            shutil.rmtree(self.tmp, ignore_errors=True)


def _diff(apache, zkserver, where="result"):
    """The differing leaves, one per line, so a failure says exactly what differs."""
    if isinstance(apache, dict) and isinstance(zkserver, dict):
        lines = []
        for k in sorted(set(apache) | set(zkserver), key=str):
            if apache.get(k) != zkserver.get(k):
                lines.append(_diff(apache.get(k), zkserver.get(k), "%s.%s" % (where, k)))
        return "\n".join(lines)
    if isinstance(apache, list) and isinstance(zkserver, list) and len(apache) == len(zkserver):
        return "\n".join(_diff(x, y, "%s[%d]" % (where, i))
                         for i, (x, y) in enumerate(zip(apache, zkserver)) if x != y)
    return "%s: apache=%s zkserver=%s" % (where, json.dumps(apache), json.dumps(zkserver))


@pytest.fixture(scope="session")
def servers():
    s = Servers()
    try:
        s.apache = os.environ.get("ZK_COMPAT_APACHE_HOSTS") or s.start_apache()
        if os.environ.get("ZK_COMPAT_ZKSERVER_HOSTS"):
            s.zkserver = os.environ["ZK_COMPAT_ZKSERVER_HOSTS"]
        elif s.have_zkserver():
            s.zkserver = s.start_zkserver()
        yield s
    finally:
        s.close()


@pytest.fixture
def fresh_server(servers, tmp_path):
    """start(impl, lines=(), flags=()) -> the client port of a new server (Apache or zkserver) of its own,
    with these extra zoo.cfg lines and -D flags; each is stopped at the end of the test."""
    started = []

    def start(impl, lines=(), flags=()):
        port = free_port()
        d = str(tmp_path / ("%s-%d" % (impl, len(started))))
        if impl == "apache":
            env = dict(os.environ, ZK_JVM_FLAGS=" ".join(flags))
            subprocess.run([os.path.join(ROOT, "scripts", "apache-zk.sh"), "start", d, str(port)] + list(lines),
                           check=True, stdout=subprocess.DEVNULL, timeout=90, env=env)
            started.append(lambda: subprocess.run([os.path.join(ROOT, "scripts", "apache-zk.sh"), "stop", d], stdout=subprocess.DEVNULL))
        else:
            if not servers.have_zkserver():
                pytest.skip("zkserver not built")
            cfg = write_cfg(d, port, lines)
            log = open(os.path.join(d, "zkserver.log"), "w")
            proc = subprocess.Popen([servers.zkserver_bin] + list(flags) + [cfg], stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL)
            started.append(lambda: (proc.terminate(), proc.wait(10)))
            assert wait_listening(port, 20, proc=proc), open(os.path.join(d, "zkserver.log")).read()[-2000:]
        return port

    yield start
    for stop in started:
        stop()


@pytest.fixture(scope="session")
def java_scenarios():
    """Compiles java/CompatScenarios.java once per session; yields the java command prefix
    (append HOST:PORT SCENARIO [BASE]). Skips when javac or the client jar is missing."""
    if not apache_clients.java_available():
        pytest.skip("javac/java or %s not available" % apache_clients.JAVA_CP[0])
    program = apache_clients.JavaScenarios()
    try:
        yield program.cmd
    finally:
        program.close()


def _run(fn, hosts):
    ctx = Ctx(hosts, "/compat-" + fn.__name__[len("scn_"):])
    try:
        return ctx.finalize(fn(ctx))
    finally:
        ctx.close()


@pytest.fixture
def compare(servers):
    def do(fn):
        a = _run(fn, servers.apache)
        # JSON round trip: tuples -> lists, so both sides compare alike
        a = json.loads(json.dumps(a))
        dump = os.environ.get("ZK_COMPAT_DUMP")
        if dump:
            os.makedirs(dump, exist_ok=True)
            with open(os.path.join(dump, fn.__name__ + ".json"), "w") as f:
                json.dump(a, f, indent=1)
        if servers.zkserver is None:
            pytest.skip("zkserver not available (%s); Apache side ran OK" % servers.zkserver_bin)
        z = json.loads(json.dumps(_run(fn, servers.zkserver)))
        assert z == a, "zkserver result differs from Apache's:\n" + _diff(a, z)
        return a
    return do


def pytest_generate_tests(metafunc):
    if "scenario" in metafunc.fixturenames:
        fns = [v for k, v in vars(metafunc.module).items() if k.startswith("scn_") and callable(v)]
        metafunc.parametrize("scenario", fns, ids=[f.__name__[4:] for f in fns])
