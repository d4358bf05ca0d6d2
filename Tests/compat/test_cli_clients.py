"""Apache's own command-line clients against both servers: the C client's cli_mt (libzookeeper-mt) and
the Java zkCli.sh. Each runs the same script on Apache 3.8.0 and on zkserver; the outputs, with
zxids, times and session ids normalised, must be the same."""
import os
import uuid

import pytest

from apache_clients import CLI_MT, ZKCLI, describe_zkcli_difference, run_cli_mt, run_zkcli_steps


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
    a = run_zkcli_steps(servers.apache, base)
    if servers.zkserver is None:
        pytest.skip("zkserver not available")
    z = run_zkcli_steps(servers.zkserver, base)
    assert z == a, describe_zkcli_difference(a, z)
