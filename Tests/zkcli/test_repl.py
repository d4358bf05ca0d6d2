"""zkcli's interactive shell driven for real through tmux (a pseudo-terminal): tab completion of
commands and live znode paths, persistent history with reverse search, Ctrl-C cancelling a command
that hangs or clearing the line, a watch streaming events while a line is being typed, and Ctrl-D
to leave."""
import os
import shlex
import sys
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
sys.path.insert(0, os.path.join(ROOT, "Tests"))
from ports import free_port  # noqa: E402


class Shell:
    """zkcli at a prompt in a tmux pane connected to `target` (a conftest Target, or host:port)."""

    def __init__(self, target, home, env, height=40, args=()):
        self.target = target
        self.home = home
        self.session = "zkcli-" + uuid.uuid4().hex[:8]
        variables = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in env.items())
        command = "env -i PATH=/usr/bin:/bin HOME=%s TERM=screen %s %s -server %s %s" % (
            home, variables, ZKCLI, getattr(target, "hosts", target), " ".join(args))
        # -u: the pane is UTF-8 whatever the test's own locale is.
        subprocess.run(["tmux", "-u", "new-session", "-d", "-s", self.session, "-x", "250", "-y", str(height),
                        command], check=True, timeout=10)

    def keys(self, *keys):
        subprocess.run(["tmux", "send-keys", "-t", self.session] + list(keys), check=True, timeout=10)

    def literal(self, text):
        subprocess.run(["tmux", "send-keys", "-l", "-t", self.session, text], check=True, timeout=10)

    def screen(self, escapes=False):
        return subprocess.run(["tmux", "capture-pane", "-t", self.session, "-p"] + (["-e"] if escapes else []),
                              capture_output=True, timeout=10).stdout.decode("utf-8", "replace")

    def wait_for(self, text, seconds=10):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if text in self.screen():
                return
            time.sleep(0.05)
        raise AssertionError("%r not on screen:\n%s" % (text, self.screen()))

    def alive(self):
        return subprocess.run(["tmux", "has-session", "-t", self.session], capture_output=True).returncode == 0

    def close(self):
        subprocess.run(["tmux", "kill-session", "-t", self.session], capture_output=True, timeout=10)


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
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            break
        except OSError:
            time.sleep(0.05)
    r = Shell("127.0.0.1:%d" % port, home, {"LANG": "C.UTF-8"})
    r.server = server
    try:
        r.wait_for("(CONNECTED) /]")
        yield r
    finally:
        r.close()
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


# ---- issue 9's REPL defects, against Apache 3.8.0 and zkserver alike ----------------------------

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zkcli_util import both, script, zkcli  # noqa: E402


@pytest.fixture
def shells(tmp_path):
    if not shutil.which("tmux"):
        pytest.skip("tmux not installed")
    if not os.path.exists(ZKCLI):
        pytest.skip("zkcli not built")
    opened = []

    def open_shell(target, env=None, **kw):
        shell = Shell(target, str(tmp_path), dict({"LANG": "C.UTF-8"}, **(env or {})), **kw)
        opened.append(shell)
        if not isinstance(target, str):
            shell.wait_for("(CONNECTED) /]")
        return shell

    yield open_shell
    for shell in opened:
        shell.close()


@both()
@pytest.mark.parametrize("locale", ["C.UTF-8", "unset"])
def test_utf8_is_typed_edited_recalled_and_completed(target, root, shells, locale):
    # Item 2. With no locale variable at all zkcli still reads UTF-8 (it falls back to C.UTF-8).
    shell = shells(target, env={} if locale == "unset" else {"LANG": locale})
    shell.literal("create %s x" % root)
    shell.keys("Enter")
    shell.wait_for("Created %s" % root)
    shell.literal('create %s/xü "dätä"' % root)
    shell.keys("Enter")
    shell.wait_for("Created %s/xü" % root)
    # Editing: a typo two characters back is removed character by character, not byte by byte.
    shell.literal("create %s/日本語X9" % root)
    shell.keys("BSpace", "BSpace")
    shell.literal(" データ")
    shell.keys("Enter")
    shell.wait_for("Created %s/日本語" % root)
    listing = zkcli(target, "ls", root)
    assert listing.stdout.strip() == "[xü, 日本語]", listing.stdout
    assert zkcli(target, "get", root + "/xü").stdout == "dätä\n"
    assert zkcli(target, "get", root + "/日本語").stdout == "データ\n"
    # History: Up brings back the whole line.
    shell.keys("Up")
    shell.wait_for("] create %s/日本語 データ" % root)
    shell.keys("C-a", "C-k")
    # Completion of a non-ASCII name.
    shell.literal("get %s/日" % root)
    shell.keys("Tab")
    shell.literal("-")  # capture-pane drops trailing blanks: the space shows before a mark
    shell.wait_for("] get %s/日本語 -" % root)
    shell.keys("BSpace", "Enter")
    shell.wait_for("\nデータ\n")


@both()
def test_completion_escapes_blanks_and_marks_nodes_with_children(target, root, shells):
    # Item 5.
    script(target, ["create %s" % root, "create '%s/a b'" % root, "create '%s/a b/leaf one' x" % root,
                    "create %s/plain" % root])
    shell = shells(target)
    shell.literal("ls %s/a" % root)
    shell.keys("Tab")
    shell.wait_for("] ls %s/a\\ b/" % root)
    shell.literal("l")
    shell.keys("Tab")
    shell.literal("-")
    shell.wait_for("] ls %s/a\\ b/leaf\\ one -" % root)
    shell.keys("C-a", "C-k")
    shell.literal("get %s/a\\ b/leaf\\ one" % root)
    shell.keys("Enter")
    shell.wait_for("\nx\n")
    assert "NoNode" not in shell.screen()
    # A leaf gets a space, so the next word can follow.
    shell.literal("stat %s/pl" % root)
    shell.keys("Tab")
    shell.literal("-")
    shell.wait_for("] stat %s/plain -" % root)


def many_children(target, root, count=120):
    lines = ["create %s" % root] + ["create %s/n%03d" % (root, i) for i in range(count)]
    assert script(target, lines).returncode == 0


@both()
def test_deleteall_of_many_nodes_asks_first(target, root, shells):
    # Item 7: more than 100 nodes at a prompt asks; no (or Ctrl-C) changes nothing, -y does not ask.
    many_children(target, root)
    shell = shells(target)
    shell.literal("deleteall %s" % root)
    shell.keys("Enter")
    shell.wait_for("deleteall %s: delete 121 nodes? [y/N]" % root)
    shell.keys("n", "Enter")
    shell.wait_for("cancelled: nothing changed")
    assert zkcli(target, "getAllChildrenNumber", root).stdout.strip() == "120"
    shell.literal("deleteall %s" % root)
    shell.keys("Enter")
    shell.wait_for("delete 121 nodes? [y/N]")
    shell.keys("C-c")
    time.sleep(0.5)
    assert zkcli(target, "getAllChildrenNumber", root).stdout.strip() == "120"
    shell.keys("C-a", "C-k")
    shell.literal("deleteall -y %s" % root)
    shell.keys("Enter")
    shell.wait_for("deleted 121 nodes")
    assert zkcli(target, "stat", root).returncode == 1


@both()
def test_answering_yes_deletes(target, root, shells):
    many_children(target, root, 101)
    shell = shells(target)
    shell.literal("deleteall %s" % root)
    shell.keys("Enter")
    shell.wait_for("[y/N]")
    shell.keys("y", "Enter")
    shell.wait_for("deleted 102 nodes")
    assert zkcli(target, "stat", root).returncode == 1


@both()
def test_output_taller_than_the_screen_goes_through_the_pager(target, root, shells, tmp_path):
    # Item 11: PAGER gets output taller than the screen, and only that.
    text = "".join("line %02d\n" % i for i in range(60))
    (tmp_path / "tall").write_text(text)
    assert script(target, ["create %s" % root, "create -f %s %s/tall" % (tmp_path / "tall", root),
                           "create %s/short one" % root]).returncode == 0
    paged = tmp_path / "paged"
    shell = shells(target, env={"PAGER": "cat > %s" % paged}, height=30)
    shell.literal("get %s/tall" % root)
    shell.keys("Enter")
    deadline = time.time() + 10
    while time.time() < deadline and not (paged.exists() and paged.read_text().count("\n") >= 60):
        time.sleep(0.05)
    assert paged.read_text() == text + "\n" or paged.read_text() == text
    assert "line 30" not in shell.screen()
    paged.unlink()
    shell.literal("get %s/short" % root)
    shell.keys("Enter")
    shell.wait_for("\none\n")
    assert not paged.exists()


@both()
def test_colour_on_the_terminal_and_never_with_no_color(target, shells):
    # Item 11: the prompt's state is coloured on a terminal; NO_COLOR turns it off.
    coloured = shells(target)
    assert "\x1b[" in [l for l in coloured.screen(escapes=True).splitlines() if "CONNECTED" in l][-1]
    plain = shells(target, env={"NO_COLOR": "1"})
    assert "\x1b[" not in [l for l in plain.screen(escapes=True).splitlines() if "CONNECTED" in l][-1]


def test_connecting_shows_progress_and_names_the_cause(shells):
    # Item 6: no blank screen while connecting; the refused host is named once, before the verdict after
    # -timeout; the prompt then stays up, NOT_CONNECTED, for a `connect` elsewhere (as zkCli.sh's does).
    port = free_port()
    started = time.time()
    shell = shells("127.0.0.1:%d" % port, args=["-timeout", "1500"])
    shell.wait_for("Connecting to 127.0.0.1:%d (giving up after 1500 ms)..." % port, 5)
    shell.wait_for("(NOT_CONNECTED) /]", 10)
    assert time.time() - started < 8
    lines = shell.screen().splitlines()
    retry = [i for i, l in enumerate(lines) if "connection refused: retrying until 1500 ms" in l]
    verdict = [i for i, l in enumerate(lines) if l.startswith("cannot connect within 1500 ms:")]
    assert len(retry) == 1 and len(verdict) == 1 and retry[0] < verdict[0], "\n".join(lines)
    assert "connection refused" in lines[verdict[0]]
