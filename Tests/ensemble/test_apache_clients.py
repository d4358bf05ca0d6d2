"""Apache's own clients against a 3-server ensemble, through a connect string that names every
member: the Java client running the compatibility scenarios (Tests/compat/java), zkCli.sh and
the C client's cli_mt. Each must succeed; with --impl apache,zkserver the zkserver ensemble's
normalised outputs must also equal the Apache ensemble's ([apache] runs first and leaves its
outputs in APACHE_OUTPUTS)."""
import os
import sys
import uuid

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compat"))
import apache_clients as ac  # noqa: E402

APACHE_OUTPUTS = {}
SUPER_DIGEST = "-Dzookeeper.DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU="
CONTAINER_CHECK = "-Dznode.container.checkIntervalMs=200"
JAVA_BATCH = 5  # scenario JVMs at once: the machine has two cores and the ensemble runs on them too


@pytest.fixture(scope="module")
def java_scenarios():
    if not ac.java_available():
        pytest.skip("javac/java or %s not available" % ac.JAVA_CP[0])
    program = ac.JavaScenarios()
    yield program.cmd
    program.close()


def _clients_ensemble(make_ensemble):
    return make_ensemble(extra_cfg=["extendedTypesEnabled=true"], jvm_flags=[SUPER_DIGEST, CONTAINER_CHECK])


def _same_as_apache(impl, key, value, describe):
    if impl == "apache":
        APACHE_OUTPUTS[key] = value
    elif key in APACHE_OUTPUTS:
        assert value == APACHE_OUTPUTS[key], describe(APACHE_OUTPUTS[key], value)


def test_java_client_scenarios(make_ensemble, impl, java_scenarios):
    e = _clients_ensemble(make_ensemble)
    hosts = e.hosts()
    results, failures = {}, []
    for i in range(0, len(ac.JAVA_SCENARIOS), JAVA_BATCH):
        batch = ac.JAVA_SCENARIOS[i:i + JAVA_BATCH]
        procs = {name: ac.start_java_scenario(java_scenarios, hosts, name) for name in batch}
        try:
            for name, p in procs.items():
                try:
                    results[name] = ac.finish_java_scenario(p, "%s %s" % (impl, name))
                except ac.ClientFailure as err:
                    failures.append(str(err))
        finally:
            for p in procs.values():
                ac.stop_process(p)
    assert not failures, "\n\n".join(failures)
    for name in ac.JAVA_SCENARIOS:
        _same_as_apache(impl, ("java", name), results[name],
                        lambda a, z, name=name: "%s: zkserver %s\n  apache %s" % (name, z, a))


@pytest.mark.skipif(not os.path.exists(ac.ZKCLI), reason="zkCli.sh (zookeeper) not installed")
@pytest.mark.skipif(not os.path.exists(ac.CLI_MT), reason="cli_mt (zookeeper-bin) not installed")
def test_zkcli_and_c_client(make_ensemble, impl):
    e = _clients_ensemble(make_ensemble)
    hosts = e.hosts()
    out = ac.run_cli_mt(hosts, "/cli-mt-" + uuid.uuid4().hex[:8])
    assert any("rc = 0" in line for line in out), out
    _same_as_apache(impl, "cli_mt", out, lambda a, z: "\n".join(["apache:"] + a + ["zkserver:"] + z))
    steps = ac.run_zkcli_steps(hosts, "/zkcli-" + uuid.uuid4().hex[:8])
    assert steps[0][0] == 0, steps[0]
    _same_as_apache(impl, "zkcli", steps, ac.describe_zkcli_difference)
