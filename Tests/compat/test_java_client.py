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
from apache_clients import (JAVA_SCENARIOS as SCENARIOS, ClientFailure, finish_java_scenario,
                            start_java_scenario, stop_process)


def _finish(p, who):
    try:
        return finish_java_scenario(p, who)
    except ClientFailure as e:
        pytest.fail(str(e))


def test_scenario_list(java_scenarios):
    p = subprocess.run(java_scenarios + ["--list"], capture_output=True, text=True, timeout=60)
    assert p.stdout.split() == SCENARIOS


@pytest.mark.parametrize("name", SCENARIOS)
def test_java_scenario(name, servers, java_scenarios):
    pa = start_java_scenario(java_scenarios, servers.apache, name)
    pz = start_java_scenario(java_scenarios, servers.zkserver, name) if servers.zkserver else None
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
        stop_process(pa)
        stop_process(pz)
    assert z == a, "zkserver result differs from Apache's:\n" + _diff(a, z)
