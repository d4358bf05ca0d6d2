"""TLS for clients, side by side with Apache 3.8.0: the same zoo.cfg (secureClientPort, ssl.keyStore.*,
ssl.trustStore.*, ssl.clientAuth) with JKS, PKCS12 and PEM stores made by openssl and keytool; kazoo over
TLS with a client certificate; a certificate from another CA and a client without one are refused."""
import os
import shutil
import socket
import ssl
import subprocess
import sys

import pytest
from kazoo.client import KazooClient

from compat_util import free_port, wait_listening
from conftest import ROOT, write_cfg

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from pki_util import PASSWORD, make_ca, make_cert, pki, run  # noqa: E402,F401  (pki is a fixture)


STORES = {
    "jks": ("server.jks", "trust.jks"),
    "pkcs12": ("server.p12", "trust.jks"),
    "pem": ("server-bundle.pem", "ca.pem"),
}


def tls_lines(pki, kind, client_auth=None):
    key, trust = STORES[kind]
    lines = ["ssl.keyStore.location=%s" % os.path.join(pki, key), "ssl.trustStore.location=%s" % os.path.join(pki, trust)]
    if kind != "pem":
        lines += ["ssl.keyStore.password=" + PASSWORD, "ssl.trustStore.password=" + PASSWORD]
    if client_auth:
        lines.append("ssl.clientAuth=" + client_auth)
    return lines


@pytest.fixture
def secure_server(fresh_server, pki):
    """start(impl, kind, client_auth=None, unified=False, extra=()) -> (plain port, secure port) of a fresh server."""

    def start(impl, kind, client_auth=None, unified=False, extra=()):
        secure = free_port()
        lines = (["client.portUnification=true"] if unified else ["secureClientPort=%d" % secure, "secureClientPortAddress=127.0.0.1"]) + [
                 "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory"] + tls_lines(pki, kind, client_auth) + list(extra)
        port = fresh_server(impl, lines)
        if unified:
            return port, port
        assert wait_listening(secure, 20)
        return port, secure

    return start


def kazoo(pki, port, cert="client"):
    args = dict(use_ssl=True, ca=os.path.join(pki, "ca.pem"), verify_certs=True)
    if cert:
        args.update(certfile=os.path.join(pki, "%s.pem" % cert), keyfile=os.path.join(pki, "%s.key" % cert))
    return KazooClient(hosts="127.0.0.1:%d" % port, timeout=10, **args)


@pytest.mark.parametrize("impl", ["apache", "zkserver"])
@pytest.mark.parametrize("kind", ["jks", "pkcs12", "pem"])
def test_kazoo_over_tls_with_a_client_certificate(secure_server, pki, impl, kind):
    plain, secure = secure_server(impl, kind)
    zk = kazoo(pki, secure)
    zk.start(timeout=15)
    try:
        assert zk.create("/tls-%s" % kind, b"over tls") == "/tls-%s" % kind
        assert zk.get("/tls-%s" % kind)[0] == b"over tls"
    finally:
        zk.stop()
        zk.close()
    # The plain port serves alongside, the same tree.
    plain_client = KazooClient(hosts="127.0.0.1:%d" % plain, timeout=10)
    plain_client.start(timeout=15)
    try:
        assert plain_client.get("/tls-%s" % kind)[0] == b"over tls"
    finally:
        plain_client.stop()
        plain_client.close()


@pytest.mark.parametrize("impl", ["apache", "zkserver"])
def test_port_unification_serves_tls_and_plain_clients_on_one_port(secure_server, pki, impl):
    # Apache has the x509 provider on a unified port only when zoo.cfg names it; without it, it closes
    # every connection that shows a certificate ("X509 Auth provider not found"), and so does zkserver.
    port, _ = secure_server(impl, "jks", unified=True, extra=["authProvider.x509=org.apache.zookeeper.server.auth.X509AuthenticationProvider"])
    secure, plain = kazoo(pki, port), KazooClient(hosts="127.0.0.1:%d" % port, timeout=10)
    secure.start(timeout=15)
    plain.start(timeout=15)
    try:
        secure.create("/unified", b"both")
        assert plain.get("/unified")[0] == b"both"
    finally:
        for c in (secure, plain):
            c.stop()
            c.close()


def handshake_refused(pki, port, cert):
    """Whether the server refuses a TLS client with this certificate (None: no certificate)."""
    context = ssl.create_default_context(cafile=os.path.join(pki, "ca.pem"))
    context.check_hostname = False
    if cert:
        context.load_cert_chain(os.path.join(pki, "%s.pem" % cert), os.path.join(pki, "%s.key" % cert))
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            with context.wrap_socket(raw) as tls:
                # TLS 1.3 reports a refused client certificate on the first read, not in the handshake.
                tls.sendall(b"ruok")
                return tls.recv(4) != b"imok"
    except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
        return True


@pytest.mark.parametrize("impl", ["apache", "zkserver"])
def test_client_certificates_are_checked_against_the_trust_store(secure_server, pki, impl):
    _, secure = secure_server(impl, "jks")
    assert not handshake_refused(pki, secure, "client")
    assert handshake_refused(pki, secure, "stranger")
    assert handshake_refused(pki, secure, None)       # ssl.clientAuth defaults to need


@pytest.mark.parametrize("impl", ["apache", "zkserver"])
def test_client_auth_none_takes_clients_without_certificates(secure_server, pki, impl):
    _, secure = secure_server(impl, "jks", client_auth="none")
    assert not handshake_refused(pki, secure, None)
    zk = kazoo(pki, secure, cert=None)
    zk.start(timeout=15)
    try:
        assert zk.exists("/") is not None
    finally:
        zk.stop()
        zk.close()


def test_a_bad_key_store_password_stops_zkserver_with_a_clear_message(servers, pki, tmp_path):
    if not servers.have_zkserver():
        pytest.skip("zkserver not built")
    port, secure = free_port(), free_port()
    lines = ["secureClientPort=%d" % secure] + [l.replace("ssl.keyStore.password=" + PASSWORD, "ssl.keyStore.password=wrong")
                                                for l in tls_lines(pki, "jks")]
    cfg = write_cfg(str(tmp_path), port, lines)
    p = subprocess.run([servers.zkserver_bin, cfg], capture_output=True, text=True, timeout=30)
    assert p.returncode != 0
    assert "server.jks" in p.stderr and "password" in p.stderr, p.stderr


JAVA_CP = ":".join(["/usr/share/java/zookeeper.jar", "/usr/share/java/log4j-1.2.jar", "/usr/share/java/slf4j-log4j12.jar",
                    # Debian's zookeeper.jar leaves these off its Class-Path; the Netty client socket and
                    # its TLS need them.
                    "/usr/share/java/netty-codec.jar", "/usr/share/java/netty-resolver.jar"])


@pytest.mark.parametrize("impl", ["apache", "zkserver"])
def test_the_java_client_over_tls(secure_server, pki, impl):
    """Apache's own CLI (ZooKeeperMain, what zkCli.sh runs) with zookeeper.client.secure and the Netty
    socket, a PKCS12 client key store and the JKS trust store."""
    if not shutil.which("java") or not os.path.exists("/usr/share/java/zookeeper.jar"):
        pytest.skip("the Java client is not installed")
    _, secure = secure_server(impl, "jks")
    flags = ["-Dzookeeper.client.secure=true", "-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty",
             "-Dzookeeper.ssl.keyStore.location=%s" % os.path.join(pki, "client.p12"),
             "-Dzookeeper.ssl.keyStore.password=" + PASSWORD,
             "-Dzookeeper.ssl.trustStore.location=%s" % os.path.join(pki, "trust.jks"),
             "-Dzookeeper.ssl.trustStore.password=" + PASSWORD,
             "-Dzookeeper.ssl.hostnameVerification=false", "-Xmx64m"]

    def cli(*command):
        return subprocess.run(["java"] + flags + ["-cp", JAVA_CP, "org.apache.zookeeper.ZooKeeperMain",
                                                  # The TLS handshake outlasts a one-shot command's start.
                                                  "-waitforconnection", "-timeout", "20000",
                                                  "-server", "127.0.0.1:%d" % secure] + list(command),
                              capture_output=True, text=True, timeout=60)

    created = cli("create", "/java-tls", "from-java")
    assert "Created /java-tls" in created.stdout + created.stderr, created.stdout + created.stderr
    got = cli("get", "/java-tls")
    assert "from-java" in got.stdout, got.stdout + got.stderr


ZKCLI = os.path.join(ROOT, os.environ.get("ZKCLI_BIN", ".build/debug/zkcli"))


@pytest.mark.parametrize("impl", ["apache", "zkserver"])
def test_zkcli_over_tls_with_pem_files_or_apaches_client_properties(secure_server, pki, impl, tmp_path):
    if not os.access(ZKCLI, os.X_OK):
        pytest.skip("zkcli not built")
    _, secure = secure_server(impl, "jks")
    server = ["-server", "127.0.0.1:%d" % secure, "-timeout", "8000"]

    def zkcli(*args):
        return subprocess.run([ZKCLI] + server + list(args), capture_output=True, text=True, timeout=60)

    pem = ["--tls", "--ca", os.path.join(pki, "ca.pem"), "--cert", os.path.join(pki, "client.pem"), "--key", os.path.join(pki, "client.key")]
    out = zkcli(*pem, "create", "/zkcli-tls", "sealed")
    assert out.returncode == 0, out.stderr
    # zkCli.sh's -client-configuration file, with Apache's property names and JKS/PKCS12 stores.
    props = tmp_path / "client.properties"
    props.write_text("zookeeper.client.secure=true\n"
                     "zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty\n"
                     "zookeeper.ssl.keyStore.location=%s\nzookeeper.ssl.keyStore.password=%s\n"
                     "zookeeper.ssl.trustStore.location=%s\nzookeeper.ssl.trustStore.password=%s\n"
                     % (os.path.join(pki, "client.p12"), PASSWORD, os.path.join(pki, "trust.jks"), PASSWORD))
    out = zkcli("-client-configuration", str(props), "get", "/zkcli-tls")
    assert out.returncode == 0 and out.stdout.strip() == "sealed", out.stdout + out.stderr
    # Another CA's certificate is refused: no session, exit 3, and the reason says TLS.
    stranger = ["--tls", "--ca", os.path.join(pki, "ca.pem"), "--cert", os.path.join(pki, "stranger.pem"),
                "--key", os.path.join(pki, "stranger.key")]
    out = zkcli(*stranger, "-timeout", "3000", "get", "/zkcli-tls")
    assert out.returncode == 3, out.stdout + out.stderr
    # A server certificate the given CA did not sign is refused by zkcli.
    out = zkcli("--tls", "--ca", os.path.join(pki, "other-ca.pem"), "--cert", os.path.join(pki, "client.pem"),
                "--key", os.path.join(pki, "client.key"), "-timeout", "3000", "get", "/zkcli-tls")
    assert out.returncode == 3 and "TLS" in out.stderr, out.stdout + out.stderr
    # A key file that is not there is a clear error, not a hang.
    out = zkcli("--tls", "--cert", os.path.join(pki, "client.pem"), "--key", "/nonexistent.key", "get", "/")
    assert out.returncode != 0 and "/nonexistent.key" in out.stderr, out.stdout + out.stderr


@pytest.mark.parametrize("impl", ["apache", "zkserver"])
def test_the_client_certificate_is_the_x509_identity(secure_server, pki, impl):
    if not os.access(ZKCLI, os.X_OK):
        pytest.skip("zkcli not built")
    plain, secure = secure_server(impl, "jks")
    tls = ["--tls", "--ca", os.path.join(pki, "ca.pem"), "--cert", os.path.join(pki, "client.pem"), "--key", os.path.join(pki, "client.key")]

    def zkcli(port, *args):
        return subprocess.run([ZKCLI, "-server", "127.0.0.1:%d" % port, "-timeout", "8000"] + list(args),
                              capture_output=True, text=True, timeout=60)

    out = zkcli(secure, *tls, "--json", "whoami")
    assert out.returncode == 0, out.stderr
    import json
    assert sorted((i["scheme"], i["user"]) for i in json.loads(out.stdout)["identities"]) == [("ip", "127.0.0.1"), ("x509", "CN=client")]
    assert zkcli(secure, *tls, "create", "/x509-only", "mine", "x509:CN=client:cdrwa").returncode == 0
    assert zkcli(secure, *tls, "get", "/x509-only").stdout.strip() == "mine"
    denied = zkcli(plain, "get", "/x509-only")
    assert denied.returncode == 1 and "NoAuth" in denied.stderr, denied.stdout + denied.stderr
    # "auth" stands for the certificate's id.
    assert zkcli(secure, *tls, "create", "/x509-auth", "", "auth::cdrwa").returncode == 0
    acl = zkcli(secure, *tls, "--json", "getAcl", "/x509-auth")
    assert "CN=client" in acl.stdout and "x509" in acl.stdout, acl.stdout + acl.stderr


ZKCLI_SH = "/usr/share/zookeeper/bin/zkCli.sh"


@pytest.mark.parametrize("impl", ["apache", "zkserver"])
@pytest.mark.parametrize("with_cert", [True, False], ids=["client-cert", "no-cert"])
def test_zkcli_sh_over_tls_with_and_without_a_client_certificate(secure_server, pki, impl, with_cert, tmp_path):
    """Debian's zkCli.sh with Apache's client properties file; without a certificate against ssl.clientAuth=none."""
    if not os.path.exists(ZKCLI_SH):
        pytest.skip("zkCli.sh (zookeeper) not installed")
    _, secure = secure_server(impl, "jks", client_auth=None if with_cert else "none")
    props = tmp_path / "client.properties"
    lines = ["zookeeper.client.secure=true", "zookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty",
             "zookeeper.ssl.trustStore.location=" + os.path.join(pki, "trust.jks"), "zookeeper.ssl.trustStore.password=" + PASSWORD,
             "zookeeper.ssl.hostnameVerification=false"]
    if with_cert:
        lines += ["zookeeper.ssl.keyStore.location=" + os.path.join(pki, "client.p12"), "zookeeper.ssl.keyStore.password=" + PASSWORD]
    props.write_text("\n".join(lines) + "\n")
    # Debian's zkCli.sh sets a class path without the Netty jars its TLS socket needs (zookeeper.jar's manifest
    # leaves them out); a later -cp in CLIENT_JVMFLAGS wins, as an operator would work around it.
    env = dict(os.environ, CLIENT_JVMFLAGS="-Xmx64m -cp /etc/zookeeper/conf:" + JAVA_CP)

    def sh(*command):
        return subprocess.run([ZKCLI_SH, "-client-configuration", str(props), "-waitforconnection", "-timeout", "20000",
                               "-server", "127.0.0.1:%d" % secure] + list(command), capture_output=True, text=True, timeout=90, env=env)

    created = sh("create", "/sh-tls", "from-zkcli-sh")
    assert "Created /sh-tls" in created.stdout + created.stderr, (created.stdout + created.stderr)[-3000:]
    got = sh("get", "/sh-tls")
    assert "from-zkcli-sh" in got.stdout, (got.stdout + got.stderr)[-3000:]
