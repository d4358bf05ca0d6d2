"""Apache's own command-line clients against both servers: the C client's cli_mt (libzookeeper-mt) and
the Java zkCli.sh. Each runs the same script on Apache 3.8.0 and on zkserver; the outputs, with
zxids, times and session ids normalised, must be the same."""
import os
import re
import subprocess
import uuid

import pytest

from conftest import _diff  # noqa: F401 - same readable diff as the other compat tests

CLI_MT = "/usr/lib/zookeeper/bin/cli_mt"
ZKCLI = "/usr/share/zookeeper/bin/zkCli.sh"


def normalise(text):
    text = re.sub(r"0x[0-9a-f]+", "0xN", text)
    text = re.sub(r"\b(ctime|mtime)\s*=.*", r"\1 = T", text)
    text = re.sub(r"\b([cmp]zxid|[cmp]Zxid)\s*=\s*\w+", r"\1 = Z", text)
    text = re.sub(r"[0-9a-f]{8,}", "ID", text)
    keep = []
    for line in text.splitlines():
        line = line.rstrip()
        # Connection chatter, timestamps and logging differ between runs, not between servers.
        if not line or "SLF4J" in line or "log4j" in line or line.startswith(("Connecting to", "Watcher SESSION_EVENT", "time =")):
            continue
        if re.match(r"^\d{4}-\d\d-\d\d", line) or "Welcome" in line or "JLine" in line:
            continue
        keep.append(line)
    return keep


def run_cli_mt(hosts, base):
    script = "\n".join([
        "create %s" % base, "create %s/child" % base, "get %s" % base, "ls %s" % base,
        "exists %s/child" % base, "exists %s/missing" % base, "set %s newdata" % base, "get %s" % base,
        "delete %s/child" % base, "delete %s" % base, "ls %s" % base,
    ]) + "\n"
    # cli_mt answers asynchronously: give it its script, then time to answer before stdin closes.
    p = subprocess.Popen([CLI_MT, hosts], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        p.stdin.write(script)
        p.stdin.flush()
        import time
        time.sleep(2)
        out, _ = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
    return normalise(out.replace(base, "BASE"))


def run_zkcli(hosts, base, *command):
    r = subprocess.run([ZKCLI, "-server", hosts] + [c.replace("BASE", base) for c in command],
                       capture_output=True, text=True, timeout=60, env=dict(os.environ, CLIENT_JVMFLAGS="-Xmx64m"))
    return [r.returncode] + normalise((r.stdout + r.stderr).replace(base, "BASE"))


@pytest.mark.skipif(not os.path.exists(CLI_MT), reason="cli_mt (zookeeper-bin) not installed")
def test_c_client_cli_mt(servers):
    base = "/cli-mt-" + uuid.uuid4().hex[:8]
    a = run_cli_mt(servers.apache, base)
    if servers.zkserver is None:
        pytest.skip("zkserver not available")
    z = run_cli_mt(servers.zkserver, base)
    assert any("rc = 0" in line for line in a), a
    assert z == a, "\n".join(["apache:"] + a + ["zkserver:"] + z)


@pytest.mark.skipif(not os.path.exists(ZKCLI), reason="zkCli.sh (zookeeper) not installed")
def test_java_zkcli_one_shot_commands(servers):
    base = "/zkcli-" + uuid.uuid4().hex[:8]
    steps = [("create", "BASE", "hello"), ("create", "-s", "BASE/s-", "x"), ("get", "-s", "BASE"),
             ("ls", "-s", "BASE"), ("set", "-v", "7", "BASE", "x"), ("stat", "BASE/missing"),
             ("deleteall", "BASE"), ("ls", "BASE")]
    a = [run_zkcli(servers.apache, base, *s) for s in steps]
    if servers.zkserver is None:
        pytest.skip("zkserver not available")
    z = [run_zkcli(servers.zkserver, base, *s) for s in steps]
    assert z == a, "\n".join("%s\n  apache:   %s\n  zkserver: %s" % (" ".join(s), x, y) for s, x, y in zip(steps, a, z) if x != y)
