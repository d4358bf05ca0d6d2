"""Certificates for the TLS tests, made with openssl and keytool: a CA, certificates it signs (with
127.0.0.1 and localhost as subject alternative names), and JKS, PKCS12 and PEM stores of them. Shared by
Tests/compat/test_tls.py and Tests/ensemble/test_security.py."""
import os
import shutil
import subprocess

import pytest

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


def member_stores(d, name, ca):
    """name.jks holding name's key and certificate (signed by ca) and trust-name.jks trusting ca."""
    make_cert(d, name, ca)
    run("openssl", "pkcs12", "-export", "-in", "%s.pem" % name, "-inkey", "%s.key" % name, "-certfile", "%s.pem" % ca,
        "-name", name, "-out", "%s.p12" % name, "-passout", "pass:" + PASSWORD, cwd=d)
    run("keytool", "-importkeystore", "-noprompt", "-srckeystore", "%s.p12" % name, "-srcstoretype", "PKCS12",
        "-srcstorepass", PASSWORD, "-destkeystore", "%s.jks" % name, "-deststoretype", "JKS", "-deststorepass", PASSWORD, cwd=d)
    run("keytool", "-importcert", "-noprompt", "-alias", ca, "-file", "%s.pem" % ca, "-keystore", "trust-%s.jks" % name,
        "-storetype", "JKS", "-storepass", PASSWORD, cwd=d)
    return os.path.join(d, "%s.jks" % name), os.path.join(d, "trust-%s.jks" % name)


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
