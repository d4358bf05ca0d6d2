"""zkserver's command line and lifecycle: --version, --check-config, an unwritable data dir, and SIGTERM
(in-flight writes finish, the process exits 0, the data is there on restart)."""
import os
import signal
import subprocess

from kazoo.client import KazooClient

from compat_util import free_port, wait_listening

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ZKSERVER = os.path.abspath(os.path.join(ROOT, os.environ.get("ZKSERVER_BIN", ".build/debug/zkserver")))


def run(*args, timeout=30):
    return subprocess.run([ZKSERVER, *args], capture_output=True, text=True, timeout=timeout)


def test_version():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.startswith("zkserver 3.8.0")


def test_check_config_names_every_problem_with_its_line(tmp_path):
    cfg = tmp_path / "zoo.cfg"
    cfg.write_text("tickTime=abc\ndataDir=%s\nclientPort=2x\nnot a setting\nsyncLimit=5\nfrobnicate=1\n" % (tmp_path / "data"))
    out = run("--check-config", str(cfg))
    assert out.returncode == 1
    errors = [line for line in out.stdout.splitlines() if line.startswith("error: ")]
    assert [e.split(":")[2] for e in errors] == ["1", "3", "4"], out.stdout
    assert "tickTime" in errors[0] and "clientPort" in errors[1]
    assert any("frobnicate" in line for line in out.stdout.splitlines() if line.startswith("warning: "))


def test_check_config_accepts_a_good_file_and_its_ensemble(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "myid").write_text("2\n")
    cfg = tmp_path / "zoo.cfg"
    cfg.write_text("tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir=%s\nclientPort=2181\n"
                   "server.1=127.0.0.1:2888:3888\nserver.2=127.0.0.1:2889:3889\nserver.3=127.0.0.1:2890:3890\n" % data)
    out = run("--check-config", str(cfg))
    assert out.returncode == 0 and out.stdout.strip().endswith(": ok"), out.stdout
    (data / "myid").write_text("7\n")
    out = run("--check-config", str(cfg))
    assert out.returncode == 1 and "server.7" in out.stdout, out.stdout


def test_an_unwritable_data_dir_stops_the_server_with_a_clear_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cfg = tmp_path / "zoo.cfg"
    cfg.write_text("dataDir=%s\nclientPort=%d\n" % (blocker / "data", free_port()))
    out = run(str(cfg))
    assert out.returncode == 1 and "dataDir" in out.stderr and "cannot be created" in out.stderr, out.stderr
    out = run("--check-config", str(cfg))
    assert out.returncode == 1 and "dataDir" in out.stdout


def test_sigterm_finishes_writes_and_exits_cleanly(tmp_path):
    port = free_port()
    cfg = tmp_path / "zoo.cfg"
    cfg.write_text("tickTime=2000\ndataDir=%s\nclientPort=%d\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n"
                   % (tmp_path / "data", port))
    log = open(tmp_path / "log", "w")
    proc = subprocess.Popen([ZKSERVER, str(cfg)], stdout=log, stderr=subprocess.STDOUT)
    try:
        assert wait_listening(port, 30, proc)
        client = KazooClient(hosts="127.0.0.1:%d" % port, timeout=5)
        client.start(timeout=15)
        results = [client.create_async("/n%d" % i, b"x") for i in range(200)]
        acknowledged = 0
        proc.send_signal(signal.SIGTERM)
        for r in results:
            try:
                r.get(timeout=10)
                acknowledged += 1
            except Exception:
                pass
        client.stop()
        client.close()
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    assert "shutting down" in open(tmp_path / "log").read()
    # Every acknowledged create is there after a restart.
    proc = subprocess.Popen([ZKSERVER, str(cfg)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_listening(port, 30, proc)
        client = KazooClient(hosts="127.0.0.1:%d" % port, timeout=5)
        client.start(timeout=15)
        present = sum(1 for i in range(200) if client.exists("/n%d" % i))
        client.stop()
        client.close()
        assert present >= acknowledged
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
