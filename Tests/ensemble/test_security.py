"""An authenticated quorum, side by side on Apache 3.8.0 and zkserver from the same zoo.cfg: sslQuorum=true
with ssl.quorum.* JKS stores elects and replicates; a member whose certificate another CA signed cannot join."""
import os
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from pki_util import PASSWORD, make_ca, member_stores  # noqa: E402


@pytest.fixture(scope="module")
def quorum_pki(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("quorum-pki"))
    make_ca(d, "ca")
    make_ca(d, "other-ca")
    return {"member": member_stores(d, "member", "ca"), "stranger": member_stores(d, "stranger", "other-ca")}


def quorum_lines(stores):
    key, trust = stores
    return ["sslQuorum=true",
            "ssl.quorum.keyStore.location=" + key, "ssl.quorum.keyStore.password=" + PASSWORD,
            "ssl.quorum.trustStore.location=" + trust, "ssl.quorum.trustStore.password=" + PASSWORD]


def test_ssl_quorum_elects_and_replicates(make_ensemble, clients, quorum_pki):
    e = make_ensemble(extra_cfg=quorum_lines(quorum_pki["member"]))
    n = len(e.servers)
    assert sorted(e.modes().values()) == sorted(["leader"] + ["follower"] * (n - 1))
    w = clients(e.servers[e.followers()[0]].hostport)
    w.create("/over-tls", b"sealed")
    for sid in e.servers:
        zk = clients(e.servers[sid].hostport)
        zk.sync("/over-tls")
        assert zk.get("/over-tls")[0] == b"sealed", sid
    # A restarted follower syncs again over TLS.
    follower = e.followers()[0]
    e.restart(follower)
    e.wait_server(follower)
    zk = clients(e.servers[follower].hostport)
    zk.sync("/over-tls")
    assert zk.get("/over-tls")[0] == b"sealed"


def test_a_member_with_another_cas_certificate_cannot_join(make_ensemble, clients, quorum_pki):
    e = make_ensemble(start=False, extra_cfg=quorum_lines(quorum_pki["member"]))
    stranger = max(e.servers)
    cfg = os.path.join(e.servers[stranger].dir, "zoo.cfg")
    text = open(cfg).read()
    member_key, member_trust = quorum_pki["member"]
    stranger_key, stranger_trust = quorum_pki["stranger"]
    with open(cfg, "w") as f:
        f.write(text.replace(member_key, stranger_key).replace(member_trust, stranger_trust))
    for sid in e.servers:
        e.start(sid)
    others = [sid for sid in e.servers if sid != stranger]
    e.wait_serving(others, timeout=60)
    zk = clients(e.servers[others[0]].hostport)
    zk.create("/members-only", b"x")
    # Give the stranger several election rounds: it never follows and never serves.
    time.sleep(8)
    assert e.mode(stranger) not in ("leader", "follower", "observer"), e.describe()
    assert sorted(e.modes(others).values()) == ["follower", "leader"]


QUORUM_JAAS = """QuorumServer {
    org.apache.zookeeper.server.auth.DigestLoginModule required
    user_member="%s";
};
QuorumLearner {
    org.apache.zookeeper.server.auth.DigestLoginModule required
    username="member"
    password="%s";
};
"""
SASL_LINES = ["quorum.auth.enableSasl=true", "quorum.auth.learnerRequireSasl=true", "quorum.auth.serverRequireSasl=true"]


def jaas_file(d, name, password, server_password=None):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(QUORUM_JAAS % (server_password or password, password))
    return path


@pytest.mark.parametrize("with_tls", [False, True], ids=["sasl", "sasl+tls"])
def test_quorum_sasl_elects_and_replicates(make_ensemble, clients, quorum_pki, tmp_path, with_tls):
    jaas = jaas_file(str(tmp_path), "jaas.conf", "quorum-secret")
    lines = SASL_LINES + (quorum_lines(quorum_pki["member"]) if with_tls else [])
    e = make_ensemble(extra_cfg=lines, jvm_flags=["-Djava.security.auth.login.config=" + jaas])
    n = len(e.servers)
    assert sorted(e.modes().values()) == sorted(["leader"] + ["follower"] * (n - 1))
    w = clients(e.servers[e.followers()[0]].hostport)
    w.create("/authenticated-quorum", b"yes")
    for sid in e.servers:
        zk = clients(e.servers[sid].hostport)
        zk.sync("/authenticated-quorum")
        assert zk.get("/authenticated-quorum")[0] == b"yes", sid


def test_a_member_with_a_wrong_quorum_password_cannot_join(make_ensemble, clients, tmp_path):
    good = jaas_file(str(tmp_path), "jaas.conf", "quorum-secret")
    # The outsider knows the others' server password entry but offers a wrong one as a learner.
    bad = jaas_file(str(tmp_path), "bad-jaas.conf", "guessed", server_password="quorum-secret")
    e = make_ensemble(start=False, extra_cfg=SASL_LINES, jvm_flags=["-Djava.security.auth.login.config=" + good])
    outsider = max(e.servers)
    others = [sid for sid in e.servers if sid != outsider]
    flags = {sid: ["-Djava.security.auth.login.config=" + (bad if sid == outsider else good)] for sid in e.servers}
    for sid in e.servers:
        e.jvm_flags = flags[sid]
        e.start(sid)
    e.wait_serving(others, timeout=60)
    clients(e.servers[others[0]].hostport).create("/members-only", b"x")
    time.sleep(8)
    assert e.mode(outsider) not in ("leader", "follower", "observer"), e.describe()
