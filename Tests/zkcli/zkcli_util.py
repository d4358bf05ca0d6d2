"""Helpers shared by the zkcli test modules: running zkcli and zkCli.sh against a server of conftest.py,
checking exit status and streams, and the per-test `root` node fixture (made available by conftest.py)."""
import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
ZKCLI = os.path.abspath(os.path.join(ROOT, os.environ.get("ZKCLI", ".build/debug/zkcli")))
ZKCLI_SH = os.environ.get("ZKCLI_SH", "/usr/share/zookeeper/bin/zkCli.sh")
SUPER = "digest:super:test"
STAT_FIELDS = {"czxid", "mzxid", "ctime", "mtime", "version", "cversion", "aversion",
               "ephemeralOwner", "dataLength", "numChildren", "pzxid"}
sys.path.insert(0, os.path.join(ROOT, "Tests", "compat"))
from compat_util import free_port  # noqa: E402,F401 (for the test modules)

BINARY = b"x\x00\x01\xff\xfeyz\n\x80"

_HOME = tempfile.mkdtemp(prefix="zkcli-home-")
ENV = {k: v for k, v in os.environ.items() if k not in ("ZKCLI_CONFIG", "ZOOKEEPER_HOSTS", "JAVA_TOOL_OPTIONS")}
ENV.update(HOME=_HOME, TZ="UTC", LC_ALL="C.UTF-8")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)


def both(apache=None, zkserver=None):
    """Parametrize a test over the two servers; a string marks that side xfail(strict) with that reason."""
    def param(name, reason):
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        return pytest.param(name, marks=marks, id=name)
    return pytest.mark.parametrize("target", [param("apache", apache), param("zkserver", zkserver)],
                                   indirect=True)


def zkcli(target, *args, stdin=None, json_out=False, auth=None, timeout=30, binary=False, merged=False,
          hosts=None, cwd=None, env=None):
    """Runs zkcli once (a command, or the script on stdin) and returns the CompletedProcess.
    env: variables added to ENV (a value None removes one)."""
    if not os.access(ZKCLI, os.X_OK):
        pytest.skip("zkcli not built (%s)" % ZKCLI)
    cmd = [ZKCLI, "-server", hosts or target.hosts]
    if json_out:
        cmd.append("--json")
    if auth:
        cmd += ["--auth", auth]
    cmd += list(args)
    if stdin is not None and not binary and isinstance(stdin, (list, tuple)):
        stdin = "\n".join(stdin) + "\n"
    run_env = dict(ENV)
    for k, v in (env or {}).items():
        if v is None:
            run_env.pop(k, None)
        else:
            run_env[k] = v
    return subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT if merged else subprocess.PIPE,
                          text=not binary, timeout=timeout, env=run_env, cwd=cwd)


def script(target, lines, **kw):
    return zkcli(target, stdin=list(lines), **kw)


ZKSH_NOISE = re.compile(r"^(SLF4J:|Connecting to |Welcome to ZooKeeper|JLine support|WATCHER::|WatchedEvent |"
                        r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d)")


def norm_lines(text):
    """Whitespace-normalised non-blank lines, without zkCli.sh's connection and logging noise."""
    out = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if line and not ZKSH_NOISE.match(line):
            out.append(line)
    return out


def zksh(target, lines, timeout=60):
    """Runs zkCli.sh with the commands on stdin; returns its normalised stdout+stderr lines."""
    if not os.access(ZKCLI_SH, os.X_OK) or not shutil.which("java"):
        pytest.skip("zkCli.sh or java not available")
    p = subprocess.run([ZKCLI_SH, "-server", target.hosts], input="\n".join(list(lines) + ["quit"]) + "\n",
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout, env=ENV)
    return norm_lines(p.stdout)


def zkcli_lines(target, lines):
    """zkcli running the same script, stdout and stderr merged and normalised like zksh()."""
    return norm_lines(script(target, lines, merged=True).stdout)


def parse_stat(text):
    return dict(line.split(" = ", 1) for line in text.splitlines() if " = " in line)


def wipe(target, path):
    zkcli(target, "deleteall", path, auth=SUPER)
    zkcli(target, "deleteall", "/zookeeper/quota" + path, auth=SUPER)


@pytest.fixture
def root(request, target):
    """A per-test root node path (not created), removed before and after the test."""
    path = "/zkcli-" + re.sub(r"[^A-Za-z0-9_-]", "-", request.node.originalname)
    wipe(target, path)
    yield path
    wipe(target, path)


def wait_until(fn, seconds=15, step=0.1):
    end = time.time() + seconds
    while time.time() < end:
        if fn():
            return True
        time.sleep(step)
    return False


def ok(p, stdout=None):
    assert p.returncode == 0, "exit %s, stderr: %s" % (p.returncode, p.stderr)
    if stdout is not None:
        assert p.stdout == stdout, "stdout %r, wanted %r" % (p.stdout, stdout)
    return p.stdout


def fails(p, code, stderr=None):
    """Exit `code`, nothing on stdout; stderr is exactly `stderr` (one line) when given."""
    assert p.returncode == code, "exit %s (wanted %s), stdout %r stderr %r" % (p.returncode, code, p.stdout, p.stderr)
    assert p.stdout in ("", b""), "stdout must stay empty on errors: %r" % p.stdout
    assert p.stderr.strip(), "errors are reported on stderr"
    if stderr is not None:
        assert p.stderr.strip() == stderr, "stderr %r, wanted %r" % (p.stderr, stderr)
    return p.stderr


def watched_paths(target):
    return zkcli(target, "4lw", "wchp").stdout
