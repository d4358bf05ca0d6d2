"""Client SASL (DIGEST-MD5, opcode 102) side by side with Apache 3.8.0, from the same zoo.cfg
(authProvider.1=...SASLAuthenticationProvider) and the same JAAS file (-Djava.security.auth.login.config):
kazoo and Apache's Java client authenticate, sasl ACLs hold, failures answer AuthFailed and close, and
enforce.auth keeps unauthenticated clients out with SessionClosedRequireSaslAuth."""
import os
import shutil
import socket
import struct
import subprocess

import pytest
from kazoo.client import KazooClient
from kazoo.exceptions import AuthFailedError, NoAuthError
from kazoo.security import make_acl

from conftest import ROOT

JAAS = """Server {
    org.apache.zookeeper.server.auth.DigestLoginModule required
    user_super="super_secret"
    user_jaasuser="jaas_password";
};
Client {
    org.apache.zookeeper.server.auth.DigestLoginModule required
    username="jaasuser"
    password="jaas_password";
};
"""
PROVIDER = "authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider"


@pytest.fixture
def sasl_server(fresh_server, tmp_path):
    """start(impl, extra zoo.cfg lines, extra -D flags) -> the client port of a fresh server with the JAAS file."""
    jaas = tmp_path / "jaas.conf"
    jaas.write_text(JAAS)

    def start(impl, lines=(), flags=()):
        return fresh_server(impl, [PROVIDER] + list(lines), ["-Djava.security.auth.login.config=%s" % jaas] + list(flags))

    return start


def kazoo(port, user="jaasuser", password="jaas_password", **kw):
    sasl = {"mechanism": "DIGEST-MD5", "username": user, "password": password} if user else None
    return KazooClient(hosts="127.0.0.1:%d" % port, timeout=10, sasl_options=sasl, **kw)


IMPLS = pytest.mark.parametrize("impl", ["apache", "zkserver"])


@IMPLS
def test_kazoo_authenticates_and_sasl_acls_hold(sasl_server, impl):
    port = sasl_server(impl)
    zk, other = kazoo(port), kazoo(port, user=None)
    zk.start(timeout=15)
    other.start(timeout=15)
    try:
        zk.create("/mine", b"secret", acl=[make_acl("sasl", "jaasuser", all=True)])
        assert zk.get("/mine")[0] == b"secret"
        with pytest.raises(NoAuthError):
            other.get("/mine")
        # "auth" stands for the SASL id and nothing else (not the ip).
        zk.create("/auth", b"", acl=[make_acl("auth", "", all=True)])
        acl, _ = zk.get_acls("/auth")
        assert [(a.perms, a.id.scheme, a.id.id) for a in acl] == [(31, "sasl", "jaasuser")]
        # Kerberos name syntax for sasl ids: two '@' is invalid.
        from kazoo.exceptions import InvalidACLError
        with pytest.raises(InvalidACLError):
            zk.create("/bad", b"", acl=[make_acl("sasl", "a@b@c", all=True)])
    finally:
        for c in (zk, other):
            c.stop()
            c.close()


@IMPLS
@pytest.mark.parametrize("user,password", [("jaasuser", "wrong"), ("nobody", "jaas_password")])
def test_a_wrong_password_or_unknown_user_fails(sasl_server, impl, user, password):
    port = sasl_server(impl)
    zk = kazoo(port, user=user, password=password)
    # kazoo reports the session up before its SASL exchange ends; the refusal shows on the first request
    # (kazoo's own test_invalid_sasl_auth sees it in start's chroot check).
    with pytest.raises(AuthFailedError):
        zk.start(timeout=15)
        zk.exists("/")
    zk.stop()
    zk.close()


def frame(xid, op, body=b""):
    payload = struct.pack(">ii", xid, op) + body
    return struct.pack(">i", len(payload)) + payload


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    body = struct.pack(">iqiq", 0, 0, 30000, 0) + struct.pack(">i", 16) + b"\0" * 16
    s.sendall(struct.pack(">i", len(body)) + body)
    read_frame(s)
    return s


def read_frame(s):
    """The next frame, or None at EOF."""
    head = b""
    while len(head) < 4:
        chunk = s.recv(4 - len(head))
        if not chunk:
            return None
        head += chunk
    n = struct.unpack(">i", head)[0]
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def sasl(s, xid, token):
    s.sendall(frame(xid, 102, struct.pack(">i", len(token)) + token))
    reply = read_frame(s)
    rxid, zxid, err = struct.unpack(">iqi", reply[:16])
    return rxid, zxid, err, reply[16:]


@IMPLS
def test_raw_exchanges_answer_as_apache(sasl_server, impl):
    port = sasl_server(impl)
    # A garbage answer to the challenge: AuthFailed with a null token, then the connection closes.
    s = connect(port)
    xid, zxid, err, body = sasl(s, 1, b"")
    assert (xid, zxid, err) == (1, 0, 0) and body.startswith(struct.pack(">i", len(body) - 4)) and b'realm="zk-sasl-md5"' in body
    xid, zxid, err, body = sasl(s, 2, b"hello")
    assert (xid, zxid, err, body) == (2, 0, -115, b"\xff\xff\xff\xff")
    assert read_frame(s) is None
    s.close()


@IMPLS
def test_allow_sasl_failed_clients_keeps_the_connection(sasl_server, impl):
    port = sasl_server(impl, flags=["-Dzookeeper.allowSaslFailedClients=true"])
    s = connect(port)
    sasl(s, 1, b"")
    assert sasl(s, 2, b"hello")[2:] == (0, b"\xff\xff\xff\xff")
    s.sendall(frame(3, 11))   # ping (xid 3 answered as any request)
    reply = read_frame(s)
    assert reply is not None and struct.unpack(">i", reply[12:16])[0] == 0
    s.close()


@IMPLS
@pytest.mark.parametrize("how", ["enforce", "sessionRequireClientSASLAuth"])
def test_enforced_sasl_closes_unauthenticated_requests(sasl_server, impl, how):
    lines = ["enforce.auth.enabled=true", "enforce.auth.schemes=sasl"] if how == "enforce" else []
    flags = ["-Dzookeeper.sessionRequireClientSASLAuth=true"] if how != "enforce" else []
    port = sasl_server(impl, lines=lines, flags=flags)
    s = connect(port)
    s.sendall(frame(1, 3, struct.pack(">i", 1) + b"/" + b"\0"))   # exists /
    assert read_frame(s) == struct.pack(">iqi", 1, 0, -124)
    assert read_frame(s) is None
    s.close()
    zk = kazoo(port)
    zk.start(timeout=15)
    try:
        assert zk.exists("/") is not None
    finally:
        zk.stop()
        zk.close()
    # A failed exchange, when SASL is required, says so (kazoo's thread dies on that code: raw bytes here).
    s = connect(port)
    sasl(s, 1, b"")
    assert sasl(s, 2, b"hello") == (2, 0, -124, b"\xff\xff\xff\xff")
    assert read_frame(s) is None
    s.close()


JAVA_CP = ":".join(["/usr/share/java/zookeeper.jar", "/usr/share/java/log4j-1.2.jar", "/usr/share/java/slf4j-log4j12.jar"])


@IMPLS
def test_the_java_client_authenticates_from_its_jaas_client_section(sasl_server, impl, tmp_path):
    if not shutil.which("java") or not os.path.exists("/usr/share/java/zookeeper.jar"):
        pytest.skip("the Java client is not installed")
    port = sasl_server(impl)
    out = subprocess.run(["java", "-Djava.security.auth.login.config=%s" % (tmp_path / "jaas.conf"), "-Xmx64m",
                          "-cp", JAVA_CP, "org.apache.zookeeper.ZooKeeperMain", "-server", "127.0.0.1:%d" % port, "whoami"],
                         capture_output=True, text=True, timeout=60)
    text = out.stdout + out.stderr
    # ZooKeeperMain's whoami: "Auth scheme: User" then "scheme: user" lines.
    assert "sasl: jaasuser" in text and "ip: 127.0.0.1" in text, text[-3000:]


ZKCLI = os.path.join(ROOT, os.environ.get("ZKCLI_BIN", ".build/debug/zkcli"))


@IMPLS
def test_zkcli_sasl_and_whoami(sasl_server, impl):
    if not os.access(ZKCLI, os.X_OK):
        pytest.skip("zkcli not built")
    port = sasl_server(impl)

    def zkcli(*args):
        return subprocess.run([ZKCLI, "-server", "127.0.0.1:%d" % port, "-timeout", "5000"] + list(args),
                              capture_output=True, text=True, timeout=60)

    out = zkcli("--sasl", "jaasuser:jaas_password", "--json", "whoami")
    assert out.returncode == 0, out.stderr
    import json
    ids = [(i["scheme"], i["user"]) for i in json.loads(out.stdout)["identities"]]
    assert sorted(ids) == [("ip", "127.0.0.1"), ("sasl", "jaasuser")], out.stdout
    out = zkcli("--sasl", "jaasuser:wrong", "whoami")
    assert out.returncode == 3 and "auth" in out.stderr.lower(), out.stdout + out.stderr
