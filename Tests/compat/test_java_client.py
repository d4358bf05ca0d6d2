"""Scenarios driven by Apache's own Java client (java/CompatScenarios.java), for the APIs kazoo
lacks: containers and TTL nodes (with reaping), addWatch PERSISTENT / PERSISTENT_RECURSIVE,
removeWatches / removeAllWatches, getEphemerals, getAllChildrenNumber, whoAmI, multiRead,
create2, exists watches, sync, and the client's chroot handling.

Each scenario runs as one `java CompatScenarios HOST:PORT NAME /java-NAME` process against
Apache and against zkserver (concurrently: different servers, so nothing collides); the
printed JSON is already normalized (see the header of CompatScenarios.java) and must be equal.
"""
import json
import os
import subprocess

import pytest

from conftest import _diff

SCENARIOS = ["container", "ttl", "persistent_watch", "persistent_recursive_watch",
             "persistent_mixed_modes",
             "remove_watches", "ephemerals", "all_children_number", "whoami", "multi",
             "create2", "exists_watch", "sync", "chroot"]

TIMEOUT = 90  # per java process; the program itself gives up after 60 s (exit 3)


def _start(cmd, hosts, name):
    return subprocess.Popen(cmd + [hosts, name, "/java-" + name], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)


def _finish(p, who):
    try:
        out, err = p.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        pytest.fail("%s: java scenario timed out after %d s\n%s" % (who, TIMEOUT, err[-3000:]))
    if p.returncode != 0:
        pytest.fail("%s: java scenario exited %d\n%s" % (who, p.returncode, err[-3000:]))
    try:
        return json.loads(out)
    except ValueError:
        pytest.fail("%s: output is not JSON:\n%s\n%s" % (who, out[-2000:], err[-2000:]))


def test_scenario_list(java_scenarios):
    p = subprocess.run(java_scenarios + ["--list"], capture_output=True, text=True, timeout=60)
    assert p.stdout.split() == SCENARIOS


@pytest.mark.parametrize("name", SCENARIOS)
def test_java_scenario(name, servers, java_scenarios):
    pa = _start(java_scenarios, servers.apache, name)
    pz = _start(java_scenarios, servers.zkserver, name) if servers.zkserver else None
    try:
        a = _finish(pa, "apache")
        dump = os.environ.get("ZK_COMPAT_DUMP")
        if dump:
            os.makedirs(dump, exist_ok=True)
            with open(os.path.join(dump, "java_" + name + ".json"), "w") as f:
                json.dump(a, f, indent=1)
        if pz is None:
            pytest.skip("zkserver not available (%s); Apache side ran OK" % servers.zkserver_bin)
        z = _finish(pz, "zkserver")
    finally:
        for p in (pa, pz):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()
    assert z == a, "zkserver result differs from Apache's:\n" + _diff(a, z)
