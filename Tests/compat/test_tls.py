"""TLS for clients, side by side with Apache 3.8.0: the same zoo.cfg (secureClientPort, ssl.keyStore.*,
ssl.trustStore.*, ssl.clientAuth) with JKS, PKCS12 and PEM stores made by openssl and keytool; kazoo over
TLS with a client certificate; a certificate from another CA and a client without one are refused."""
import os
import shutil
import socket
import ssl
import subprocess

import pytest
from kazoo.client import KazooClient

from compat_util import free_port, wait_listening
from conftest import ROOT, write_cfg

PASSWORD = "apassword"


def run(*args, cwd):
    subprocess.run(list(args), cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


def make_ca(d, name):
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "%s.key" % name, "-out", "%s.pem" % name,
        "-days", "2", "-subj", "/CN=%s" % name, cwd=d)


def make_cert(d, name, ca):
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "%s.key" % name, "-out", "%s.csr" % name,
        "-subj", "/CN=%s" % name, cwd=d)
    with open(os.path.join(d, "%s.ext" % name), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    run("openssl", "x509", "-req", "-in", "%s.csr" % name, "-CA", "%s.pem" % ca, "-CAkey", "%s.key" % ca,
        "-CAcreateserial", "-out", "%s.pem" % name, "-days", "2", "-extfile", "%s.ext" % name, cwd=d)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA, a server certificate in JKS, PKCS12 and PEM stores, a trust store of each kind, a client
    certificate from the CA and one from another CA."""
    if not shutil.which("openssl") or not shutil.which("keytool"):
        pytest.skip("openssl and keytool are needed")
    d = str(tmp_path_factory.mktemp("pki"))
    make_ca(d, "ca")
    make_ca(d, "other-ca")
    make_cert(d, "server", "ca")
    make_cert(d, "client", "ca")
    make_cert(d, "stranger", "other-ca")
    run("openssl", "pkcs12", "-export", "-in", "server.pem", "-inkey", "server.key", "-certfile", "ca.pem",
        "-name", "server", "-out", "server.p12", "-passout", "pass:" + PASSWORD, cwd=d)
    run("keytool", "-importkeystore", "-noprompt", "-srckeystore", "server.p12", "-srcstoretype", "PKCS12",
        "-srcstorepass", PASSWORD, "-destkeystore", "server.jks", "-deststoretype", "JKS", "-deststorepass", PASSWORD, cwd=d)
    run("keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "trust.jks",
        "-storetype", "JKS", "-storepass", PASSWORD, cwd=d)
    run("openssl", "pkcs12", "-export", "-in", "client.pem", "-inkey", "client.key", "-name", "client",
        "-out", "client.p12", "-passout", "pass:" + PASSWORD, cwd=d)
    with open(os.path.join(d, "server-bundle.pem"), "w") as f:
        f.write(open(os.path.join(d, "server.key")).read() + open(os.path.join(d, "server.pem")).read())
    return d


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
def secure_server(servers, tmp_path, request):
    """start(impl, kind, client_auth=None) -> (plain port, secure port) of a fresh server."""
    started = []

    def start(impl, kind, client_auth=None):
        port, secure = free_port(), free_port()
        lines = ["secureClientPort=%d" % secure, "secureClientPortAddress=127.0.0.1",
                 "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory"] + tls_lines(request.getfixturevalue("pki"), kind, client_auth)
        d = str(tmp_path / ("%s-%s" % (impl, kind)))
        if impl == "apache":
            subprocess.run([os.path.join(ROOT, "scripts", "apache-zk.sh"), "start", d, str(port)] + lines,
                           check=True, stdout=subprocess.DEVNULL, timeout=90)
            started.append(lambda: subprocess.run([os.path.join(ROOT, "scripts", "apache-zk.sh"), "stop", d], stdout=subprocess.DEVNULL))
        else:
            if not servers.have_zkserver():
                pytest.skip("zkserver not built")
            cfg = write_cfg(d, port, lines)
            log = open(os.path.join(d, "zkserver.log"), "w")
            proc = subprocess.Popen([servers.zkserver_bin, cfg], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            started.append(lambda: (proc.terminate(), proc.wait(10)))
            assert wait_listening(port, 20, proc=proc), open(os.path.join(d, "zkserver.log")).read()[-2000:]
        assert wait_listening(secure, 20)
        return port, secure

    yield start
    for stop in started:
        stop()


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
