"""zkcli's interactive shell driven for real through tmux (a pseudo-terminal): tab completion of
commands and live znode paths, persistent history with reverse search, Ctrl-C cancelling a command
that hangs or clearing the line, a watch streaming events while a line is being typed, and Ctrl-D
to leave."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ZKSERVER = os.path.join(ROOT, os.environ.get("ZKSERVER_BIN", ".build/debug/zkserver"))
ZKCLI = os.path.join(ROOT, os.environ.get("ZKCLI_BIN", ".build/debug/zkcli"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def repl():
    if not shutil.which("tmux"):
        pytest.skip("tmux not installed")
    if not (os.path.exists(ZKSERVER) and os.path.exists(ZKCLI)):
        pytest.skip("binaries not built")
    home = tempfile.mkdtemp(prefix="zkcli-repl-")
    port = free_port()
    with open(os.path.join(home, "zoo.cfg"), "w") as f:
        f.write("tickTime=2000\ndataDir=%s/data\nclientPort=%d\nclientPortAddress=127.0.0.1\n" % (home, port))
    server = subprocess.Popen([ZKSERVER, os.path.join(home, "zoo.cfg")], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    session = "zkcli-" + uuid.uuid4().hex[:8]
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            break
        except OSError:
            time.sleep(0.05)
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "150", "-y", "40",
                    "env HOME=%s %s -server 127.0.0.1:%d" % (home, ZKCLI, port)], check=True, timeout=10)

    class Repl:
        def keys(self, *keys):
            subprocess.run(["tmux", "send-keys", "-t", session] + list(keys), check=True, timeout=10)

        def screen(self):
            return subprocess.run(["tmux", "capture-pane", "-t", session, "-p"], capture_output=True,
                                  text=True, timeout=10).stdout

        def wait_for(self, text, seconds=10):
            deadline = time.time() + seconds
            while time.time() < deadline:
                if text in self.screen():
                    return True
                time.sleep(0.05)
            raise AssertionError("%r not on screen:\n%s" % (text, self.screen()))

        def alive(self):
            return subprocess.run(["tmux", "has-session", "-t", session], capture_output=True).returncode == 0

    r = Repl()
    r.home = home
    r.server = server
    r.target = "127.0.0.1:%d" % port
    try:
        r.wait_for("(CONNECTED) /]")
        yield r
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        server.send_signal(signal.SIGCONT)
        server.kill()
        server.wait(10)
        shutil.rmtree(home, ignore_errors=True)


def test_completion_history_and_exit(repl):
    repl.keys("create /apple fruit", "Enter")
    repl.wait_for("Created /apple")
    # A live znode path, completed from the server.
    repl.keys("get /ap", "Tab")
    repl.wait_for("get /apple")
    repl.keys("Enter")
    repl.wait_for("fruit")
    # A command name, then a path two levels down.
    repl.keys("getAllCh", "Tab")
    repl.wait_for("(CONNECTED) /] getAllChildrenNumber")
    repl.keys("/zookeeper/q", "Tab")
    repl.wait_for("getAllChildrenNumber /zookeeper/quota")
    repl.keys("Enter")
    # Reverse search finds the earlier command; history is kept on disk.
    repl.keys("C-r", "fru")
    repl.wait_for("create /apple fruit")
    repl.keys("C-g", "C-a", "C-k")  # leave the search, clear the line
    history = open(os.path.join(repl.home, ".zkcli_history")).read()
    assert "create\\040/apple\\040fruit" in history or "create /apple fruit" in history
    # Ctrl-D on an empty line leaves the shell.
    repl.keys("C-d")
    deadline = time.time() + 10
    while repl.alive() and time.time() < deadline:
        time.sleep(0.05)
    assert not repl.alive()


def test_ctrl_c_does_not_end_the_shell(repl):
    repl.keys("C-c")
    time.sleep(0.3)
    assert repl.alive(), "Ctrl-C ended the shell"
    repl.keys("Enter", "ls /", "Enter")
    repl.wait_for("[zookeeper]")
    repl.keys("quit", "Enter")
    deadline = time.time() + 10
    while repl.alive() and time.time() < deadline:
        time.sleep(0.05)
    assert not repl.alive()


def test_ctrl_c_cancels_a_hanging_command_and_clears_the_line(repl):
    # A stopped server makes any request hang: Ctrl-C gives the prompt back without ending the shell.
    repl.server.send_signal(signal.SIGSTOP)
    try:
        repl.keys("get /zookeeper", "Enter")
        time.sleep(0.5)
        repl.keys("C-c")
        repl.wait_for("^C cancelled")
    finally:
        repl.server.send_signal(signal.SIGCONT)
    assert repl.alive()
    # Ctrl-C on a half-typed line drops it.
    repl.keys("this is not a command")
    repl.wait_for("not a command")
    repl.keys("C-c")
    repl.keys("pwd", "Enter")
    repl.wait_for("\n/\n")
    assert "Command not found" not in repl.screen()


def test_watch_streams_while_typing(repl):
    repl.keys("create /w one", "Enter")
    repl.wait_for("Created /w")
    repl.keys("watch -R /w", "Enter")
    repl.wait_for("watching /w")
    # Half a line typed when the event arrives: the event prints above, the typing survives.
    repl.keys("get /w")
    repl.wait_for("get /w")
    subprocess.run([ZKCLI, "-server", repl.target, "set", "/w", "two"], check=True, timeout=20)
    subprocess.run([ZKCLI, "-server", repl.target, "create", "/w/child"], check=True, timeout=20)
    repl.wait_for("NodeDataChanged /w")
    repl.wait_for("NodeCreated /w/child")
    repl.keys("Enter")
    repl.wait_for("\ntwo\n")
    repl.keys("unwatch", "Enter")
    repl.keys("cd /w", "Enter")
    repl.wait_for("(CONNECTED) /w]")
