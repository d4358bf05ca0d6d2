"""Regression tests for the defects of issue 9 in zkcli, each run against Apache ZooKeeper 3.8.0 and against
zkserver alike (both(); the standalone servers of conftest.py, and for item 12 a 3-server ensemble of each
implementation from Tests/ensemble/zkensemble.py). Every test's docstring names the item it covers.
Items 2 and 5 (the REPL: typing UTF-8, quoting in completion) are tested elsewhere.

Run:  .venv/bin/pytest Tests/zkcli/test_defects.py -q -rs
"""
import base64
import contextlib
import hashlib
import json
import os
import select
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time

import pytest

from zkcli_util import (ENV, ROOT, SUPER, ZKCLI, both, fails, free_port, ok, script, wait_until, watched_paths,
                        wipe, zkcli)

sys.path.insert(0, os.path.join(ROOT, "Tests", "ensemble"))
from zkensemble import Ensemble  # noqa: E402

WORLD_ALL = "'world,'anyone\n: cdrwa\n"
ALICE_DIGEST = base64.b64encode(hashlib.sha1(b"alice:secret").digest()).decode()
ALICE_ACL = "digest:alice:%s:cdrwa,world:anyone:r" % ALICE_DIGEST


def exists(target, path):
    return zkcli(target, "stat", path).returncode == 0


def export_doc(path, top):
    return {"format": "zkcli-export", "version": 1, "path": path, "node": top}


def node(name, data="", acl=("world:anyone:cdrwa",), children=()):
    return {"name": name, "data": data, "encoding": "utf-8", "acl": list(acl), "children": list(children)}


def create_many(target, parent, count, name="n%04d", timeout=120):
    """parent and `count` children below it, in one script."""
    ok(script(target, ["create %s" % parent] + ["create %s/%s" % (parent, name % i) for i in range(count)],
              timeout=timeout))


@contextlib.contextmanager
def started(cmd, **kw):
    """Popen in a session of its own; the whole group is killed if still running at the end."""
    p = subprocess.Popen(cmd, start_new_session=True, env=kw.pop("env", ENV), **kw)
    try:
        yield p
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait(10)
        for f in (p.stdin, p.stdout, p.stderr):
            if f is not None:
                f.close()


def read_lines(f, n, timeout=10):
    """The first n lines from a pipe, within timeout seconds (fewer if it ends or the time runs out)."""
    fd, buf, end = f.fileno(), b"", time.time() + timeout
    while buf.count(b"\n") < n and time.time() < end:
        r, _, _ = select.select([fd], [], [], max(0.0, end - time.time()))
        if not r:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf += chunk
    return buf.decode(errors="replace").splitlines()[:n]


def widest(text):
    return max((len(line.expandtabs()) for line in text.splitlines()), default=0)


# ---- 1. get -o / export -o write through the path ---------------------------------------------

def read_through_fifo(fifo, run):
    """run() while a thread reads the FIFO; returns (run's result, the bytes the reader got)."""
    # A handle on the FIFO itself: the reader opens it through /proc even if zkcli replaced the path,
    # and it lets the test end a reader that no writer ever came to.
    keeper = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    got = []

    def reader():
        with open("/proc/self/fd/%d" % keeper, "rb") as f:
            got.append(f.read())
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        result = run()
        t.join(5)
    finally:
        if t.is_alive():
            os.close(os.open("/proc/self/fd/%d" % keeper, os.O_WRONLY | os.O_NONBLOCK))
            t.join(5)
        os.close(keeper)
    return result, got[0] if got else b""


@both()
@pytest.mark.parametrize("command", ["get", "export"])
def test_output_file_is_written_through_symlinks_and_fifos(target, root, tmp_path, command):
    """Item 1: `get -o FILE` and `export -o FILE` write through FILE: a symlink stays a symlink and its
    target gets the data, a FIFO stays a FIFO and its reader gets the data, a longer regular file is
    truncated."""
    ok(zkcli(target, "create", root, "payload"))

    def check(content):
        if command == "get":
            assert content == b"payload"
        else:
            assert json.loads(content.decode())["path"] == root

    def run(path):
        return ok(zkcli(target, command, "-o", str(path), root))

    regular = tmp_path / "regular"
    regular.write_bytes(b"old content, longer than anything written here " * 100)
    run(regular)
    check(regular.read_bytes())

    real, link = tmp_path / "real", tmp_path / "link"
    real.write_bytes(b"x" * 5000)
    link.symlink_to(real)
    run(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    check(real.read_bytes())

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    _, got = read_through_fifo(fifo, lambda: run(fifo))
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced"
    check(got)


# ---- 3. redacted ACLs --------------------------------------------------------------------------

def getacl(target, path):
    return ok(zkcli(target, "getAcl", path, auth=SUPER))


@both()
def test_redacted_acls_are_refused_unless_replaced(target, root, tmp_path):
    """Item 3: a session that sees a digest ACL redacted (Apache 3.8.0 answers 'alice:x') refuses to copy,
    move or export it ("redacted", exit 1, nothing done); -A ACL gives the nodes that ACL instead.
    import refuses a redacted entry the same way. The owner sees the real hash and copies without -A."""
    sec, lone = root + "/sec", root + "/lone"  # lone has no children, so a session without auth can move it
    ok(script(target, ["create %s" % root, "create %s s %s" % (sec, ALICE_ACL),
                       "create %s/kid k %s" % (sec, ALICE_ACL), "create %s l %s" % (lone, ALICE_ACL)], auth=SUPER))
    assert "'digest,'alice:x\n" in ok(zkcli(target, "getAcl", sec))  # what the server tells a stranger

    f = tmp_path / "f.json"
    for cmd, made in ((["cp", sec, root + "/copy"], root + "/copy"), (["mv", lone, root + "/lone2"], root + "/lone2"),
                      (["export", "-o", str(f), sec], None)):
        assert "redacted" in fails(zkcli(target, *cmd), 1), cmd
        if made:
            assert not exists(target, made), "%s created %s" % (cmd, made)
    assert exists(target, lone) and not f.exists()

    ok(zkcli(target, "cp", "-A", "world:anyone:cdrwa", sec, root + "/copy"))
    assert getacl(target, root + "/copy") == getacl(target, root + "/copy/kid") == WORLD_ALL
    ok(zkcli(target, "get", root + "/copy/kid"), "k\n")
    ok(zkcli(target, "mv", "-A", "world:anyone:cdrwa", lone, root + "/lone2"))
    assert not exists(target, lone) and getacl(target, root + "/lone2") == WORLD_ALL
    ok(zkcli(target, "export", "-A", "world:anyone:cdrwa", "-o", str(f), sec))
    doc = json.loads(f.read_text())
    assert doc["node"]["acl"] == doc["node"]["children"][0]["acl"] == ["world:anyone:cdrwa"]

    redacted = tmp_path / "redacted.json"
    redacted.write_text(json.dumps(export_doc(sec, node("sec", "s", ["digest:alice:x:cdrwa"],
                                                        [node("kid", "k", ["digest:alice:x:cdrwa"])]))))
    assert "redacted" in fails(zkcli(target, "import", "-f", str(redacted), root + "/imp"), 1)
    assert not exists(target, root + "/imp")
    ok(zkcli(target, "import", "-A", "world:anyone:cdrwa", "-f", str(redacted), root + "/imp"))
    assert getacl(target, root + "/imp") == getacl(target, root + "/imp/kid") == WORLD_ALL

    ok(zkcli(target, "cp", sec, root + "/owned", auth="digest:alice:secret"))
    assert getacl(target, root + "/owned/kid") == "'digest,'alice:%s\n: cdrwa\n'world,'anyone\n: r\n" % ALICE_DIGEST


# ---- 4. pipelines end when the reader goes -----------------------------------------------------

@both()
@pytest.mark.parametrize("another_event", [True, False], ids=["event-after-close", "no-event-after-close"])
def test_watch_ends_when_its_reader_closes_the_pipe(target, root, tmp_path, another_event):
    """Item 4: `watch -R P` writing into a pipe whose reader has read two lines and closed it ends within
    5 s with exit 0, whether or not another event comes."""
    ok(zkcli(target, "create", root))
    with open(tmp_path / "err", "w+") as err, \
            started([ZKCLI, "-server", target.hosts, "watch", "-R", root], stdout=subprocess.PIPE, stderr=err,
                    stdin=subprocess.DEVNULL) as p:
        assert wait_until(lambda: root in watched_paths(target), 10), "watch never registered"
        ok(zkcli(target, "create", root + "/a"))
        ok(zkcli(target, "create", root + "/b"))
        assert len(read_lines(p.stdout, 2)) == 2
        p.stdout.close()
        t0 = time.time()
        if another_event:
            ok(zkcli(target, "create", root + "/c"))
        try:
            code = p.wait(8)
        except subprocess.TimeoutExpired:
            code = None
        elapsed = time.time() - t0
        err.seek(0)
        assert code == 0 and elapsed < 5, "exit %s after %.1fs; stderr %r" % (code, elapsed, err.read())


def bash_pipeline(cmd, status_of, timeout):
    """Runs a bash pipeline; returns (the exit status of pipeline element `status_of`, stdout, seconds)."""
    t0 = time.time()
    with started(["bash", "-c", "%s; exit ${PIPESTATUS[%d]}" % (cmd, status_of)], stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True) as p:
        try:
            out, _ = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            out = None
        return p.poll(), out, time.time() - t0


@both()
def test_watch_piped_into_head_ends(target, root):
    """Item 4: `zkcli watch -R P | head -n 2` as a shell pipeline ends soon after the second event, with
    zkcli's exit status 0."""
    ok(zkcli(target, "create", root))
    cmd = "'%s' -server %s watch -R %s | head -n 2" % (ZKCLI, target.hosts, root)
    result = {}
    t = threading.Thread(target=lambda: result.update(r=bash_pipeline(cmd, 0, 30)))
    t.start()
    try:
        assert wait_until(lambda: root in watched_paths(target), 10), "watch never registered"
        ok(zkcli(target, "create", root + "/a"))
        ok(zkcli(target, "create", root + "/b"))
        t1 = time.time()
    finally:
        t.join(40)
    code, out, _ = result["r"]
    assert out is not None and len(out.splitlines()) == 2, out
    assert time.time() - t1 < 6, "the pipeline took %.1fs after the second event" % (time.time() - t1)
    assert code == 0, "zkcli's exit status %s" % code


@both()
def test_one_shot_and_script_output_into_head(target, root):
    """Item 4: `ls -R /` (a command, and a script on stdin) piped into `head -n 1` ends with exit 0,
    though its output is larger than the pipe's buffer."""
    create_many(target, root, 1000, name="%04d-" + "x" * 200)
    zk = "'%s' -server %s" % (ZKCLI, target.hosts)
    code, out, secs = bash_pipeline("%s ls -R / | head -n 1" % zk, 0, 30)
    assert (code, len(out.splitlines())) == (0, 1) and secs < 5 + 3, (code, out, secs)
    code, out, secs = bash_pipeline("printf 'ls -R /\\nls -R /\\n' | %s | head -n 1" % zk, 1, 30)
    assert (code, len(out.splitlines())) == (0, 1) and secs < 5 + 3, (code, out, secs)


# ---- 6. connecting -----------------------------------------------------------------------------

def connect_to(hosts, timeout_ms):
    t0 = time.time()
    p = zkcli(None, "-timeout", str(timeout_ms), "ls", "/", hosts=hosts, timeout=30)
    return p, time.time() - t0


def test_closed_port_is_refused_quickly_and_named():
    """Item 6: a closed port with -timeout 500 exits 3 in under 2.5 s, naming the address and
    'connection refused'."""
    hosts = "127.0.0.1:%d" % free_port()
    p, secs = connect_to(hosts, 500)
    err = fails(p, 3)
    assert secs < 2.5, "took %.1fs" % secs
    assert hosts in err and "connection refused" in err.lower(), err


def test_closed_port_is_retried_until_the_timeout():
    """Item 6: against a closed port zkcli keeps retrying until -timeout 2000 has passed."""
    p, secs = connect_to("127.0.0.1:%d" % free_port(), 2000)
    fails(p, 3)
    assert 1.8 <= secs < 4, "took %.1fs" % secs


def test_unresolvable_host():
    """Item 6: a host name that does not resolve exits 3 with 'cannot resolve'."""
    p, _ = connect_to("nosuch.invalid:2181", 500)
    assert "cannot resolve" in fails(p, 3).lower()


def test_server_that_never_answers_times_out():
    """Item 6: a listener that accepts TCP but never answers: exit 3 after the timeout (-timeout 1000:
    between 0.9 and 3.5 s) with 'timed out'."""
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(64)  # the kernel completes the handshakes; nothing ever answers
        p, secs = connect_to("127.0.0.1:%d" % srv.getsockname()[1], 1000)
    err = fails(p, 3)
    assert 0.9 <= secs < 3.5, "took %.1fs" % secs
    assert "timed out" in err.lower(), err


# ---- 7. destructive commands: dry runs, reports, no questions ----------------------------------

def assert_children_first(paths):
    for i, p in enumerate(paths):
        for later in paths[i + 1:]:
            assert not later.startswith(p + "/"), "%s comes before its descendant %s" % (p, later)


@both()
def test_deleteall_dry_run(target, root):
    """Item 7: `deleteall --dry-run P` lists what would go, children before parents, then
    'would delete N nodes', and deletes nothing; --json gives one document."""
    paths = [root, root + "/a", root + "/a/x", root + "/a/x/y", root + "/b"]
    ok(script(target, ["create %s" % p for p in paths]))
    lines = ok(zkcli(target, "deleteall", "--dry-run", root)).splitlines()
    assert lines[-1] == "would delete 5 nodes"
    assert sorted(lines[:-1]) == sorted(paths)
    assert_children_first(lines[:-1])
    ok(zkcli(target, "getAllChildrenNumber", root), "4\n")
    doc = json.loads(ok(zkcli(target, "deleteall", "--dry-run", root, json_out=True)))
    assert {k: doc.get(k) for k in ("command", "path", "dryRun", "count")} == \
        {"command": "deleteall", "path": root, "dryRun": True, "count": 5}
    assert sorted(doc["paths"]) == sorted(paths)
    assert_children_first(doc["paths"])
    ok(zkcli(target, "getAllChildrenNumber", root), "4\n")


@both()
def test_cp_mv_setacl_import_dry_runs_change_nothing(target, root, tmp_path):
    """Item 7: --dry-run of cp, mv, setAcl -R and import says what would be done and does nothing."""
    src, dst = root + "/src", root + "/dst"
    ok(script(target, ["create %s" % root, "create %s s" % src, "create %s/k1 one" % src, "create %s/k2 two" % src]))
    # (listing the paths before the summary line is allowed)
    last = ok(zkcli(target, "cp", "--dry-run", src, dst)).splitlines()[-1]
    assert last.startswith("would copy 3 nodes from %s to %s" % (src, dst)), last
    last = ok(zkcli(target, "mv", "--dry-run", src, dst)).splitlines()[-1]
    assert last == "would move 3 nodes from %s to %s (one atomic multi)" % (src, dst)
    assert not exists(target, dst) and exists(target, src + "/k2")

    lines = ok(zkcli(target, "setAcl", "-R", "--dry-run", src, "world:anyone:r")).splitlines()
    assert lines[-1] == "would set the ACL of 3 nodes"
    assert sorted(lines[:-1]) == [src, src + "/k1", src + "/k2"]
    assert getacl(target, src + "/k1") == WORLD_ALL

    f = tmp_path / "src.json"
    ok(zkcli(target, "export", "-o", str(f), src))
    imp = root + "/imp"
    lines = ok(zkcli(target, "import", "--dry-run", "-f", str(f), imp)).splitlines()
    assert lines[-1] == "would create 3 and update 0 nodes"
    assert sorted(lines[:-1]) == ["create %s" % p for p in (imp, imp + "/k1", imp + "/k2")]
    assert not exists(target, imp)
    ok(script(target, ["create %s old" % imp, "create %s/k1 old" % imp]))
    lines = ok(zkcli(target, "import", "--dry-run", "-u", "-f", str(f), imp)).splitlines()
    assert lines[-1] == "would create 1 and update 2 nodes"
    assert sorted(lines[:-1]) == ["create %s/k2" % imp, "update %s" % imp, "update %s/k1" % imp]
    assert not exists(target, imp + "/k2")
    ok(zkcli(target, "get", imp + "/k1"), "old\n")


@both()
def test_destructive_commands_say_what_they_did(target, root, tmp_path):
    """Item 7: after doing it, cp, mv, import and deleteall say so on stdout."""
    src, c, m = root + "/src", root + "/c", root + "/m"
    ok(script(target, ["create %s" % root, "create %s s" % src, "create %s/k1 one" % src, "create %s/k2 two" % src]))
    ok(zkcli(target, "cp", src, c), "copied 3 nodes from %s to %s (one atomic multi)\n" % (src, c))
    ok(zkcli(target, "mv", c, m), "moved 3 nodes from %s to %s (one atomic multi)\n" % (c, m))
    f = tmp_path / "src.json"
    ok(zkcli(target, "export", "-o", str(f), src))
    ok(zkcli(target, "import", "-f", str(f), root + "/imp"), "imported into %s/imp: created 3, updated 0\n" % root)
    ok(zkcli(target, "deleteall", m), "deleted 3 nodes\n")


@both()
def test_big_copy_and_move_are_not_atomic_and_say_so(target, root):
    """Item 7: a copy above 1000 nodes says '(in steps, not atomic)'; a move too big for one multi warns
    on stderr ('not atomically') and still succeeds."""
    src, c, m = root + "/src", root + "/c", root + "/m"
    ok(zkcli(target, "create", root))
    create_many(target, src, 1099)
    ok(zkcli(target, "cp", src, c, timeout=120), "copied 1100 nodes from %s to %s (in steps, not atomic)\n" % (src, c))
    p = zkcli(target, "mv", c, m, timeout=120)
    ok(p)
    assert any("not atomically" in line for line in p.stderr.splitlines()), p.stderr
    ok(zkcli(target, "getAllChildrenNumber", m), "1099\n")
    assert not exists(target, c)


@both()
@pytest.mark.parametrize("how", ["stdin", "-f"])
def test_scripts_never_ask_for_confirmation(target, root, tmp_path, how):
    """Item 7: a deleteall of 150 nodes in a script runs without reading a confirmation line."""
    create_many(target, root, 149)
    lines = ["deleteall %s" % root, "create %s after" % root]
    if how == "-f":
        s = tmp_path / "s.zk"
        s.write_text("\n".join(lines) + "\n")
        p = zkcli(target, "-f", str(s), stdin="", timeout=60)
    else:
        p = script(target, lines, timeout=60)
    assert ok(p).splitlines() == ["deleted 150 nodes", "Created %s" % root]
    ok(zkcli(target, "ls", root), "[]\n")


# ---- 8. import: partial failures, all or nothing, bad JSON ---------------------------------------

@both()
def test_import_reports_partial_failure_and_all_or_nothing(target, root, tmp_path):
    """Item 8: `import -u` failing halfway (a node the session may not write) exits 1 and reports what was
    and was not applied; `import -a` on the same input changes nothing ('nothing applied')."""
    d = root + "/d"
    ok(script(target, ["create %s" % root, "create %s old-top" % d, "create %s/ro ro-data world:anyone:r" % d]))
    f = tmp_path / "in.json"
    f.write_text(json.dumps(export_doc(d, node("d", "new-top", children=[
        node("a", "A"), node("ro", "changed"), node("z", "Z")]))))

    def state():
        return [zkcli(target, "get", p).stdout for p in (d, d + "/a", d + "/ro", d + "/z")]
    before = state()
    assert "nothing applied" in fails(zkcli(target, "import", "-a", "-u", "-f", str(f), d), 1)
    assert state() == before

    err = fails(zkcli(target, "import", "-u", "-f", str(f), d), 1)
    assert any(line.startswith("import: applied ") and "not applied:" in line for line in err.splitlines()), err
    ok(zkcli(target, "get", d + "/ro"), "ro-data\n")


@both()
def test_import_bad_json_names_line_and_column(target, root, tmp_path):
    """Item 8: bad JSON (a comma missing on line 3) exits 2 with one line
    'import: bad JSON at line 3, column ...'."""
    f = tmp_path / "bad.json"
    f.write_text('{\n  "format": "zkcli-export",\n  "version": 1 "path": "/x",\n'
                 '  "node": {"name": "x", "data": "", "encoding": "utf-8", "acl": [], "children": []}\n}\n')
    err = fails(zkcli(target, "import", "-f", str(f), root), 2)
    assert len(err.strip().splitlines()) == 1 and err.startswith("import: bad JSON at line 3, column "), err
    assert not exists(target, root)


@both()
def test_help_import_says_where_the_subtree_lands(target):
    """Item 8: `help import` says where the imported subtree lands."""
    text = ok(zkcli(target, "help", "import"))
    assert "lands" in text or "goes to" in text, text


# ---- 9. scripting ------------------------------------------------------------------------------

SCRIPT = ["ls /zookeeper", "# a comment", "get /nope", "ls /zookeeper"]


@both()
def test_script_errors_name_the_file_and_line(target, tmp_path):
    """Item 9: a failing line is reported as 'FILE:LINE: error' (FILE as given to -f), '<stdin>:LINE: '
    for a script on stdin."""
    (tmp_path / "s.zk").write_text("\n".join(SCRIPT) + "\n")
    p = zkcli(target, "-f", "s.zk", cwd=str(tmp_path), stdin="")
    assert (p.returncode, p.stderr) == (1, "s.zk:3: NoNode: /nope\n"), p
    assert p.stdout == "[config, quota]\n" * 2
    p = script(target, SCRIPT)
    assert (p.returncode, p.stderr) == (1, "<stdin>:3: NoNode: /nope\n"), p


@both()
@pytest.mark.parametrize("flag", ["-e", "--stop-on-error"])
def test_stop_on_error(target, root, tmp_path, flag):
    """Item 9: -e / --stop-on-error stops at the first failing line and exits with its status."""
    lines = ["create %s" % root, "bogus", "get %s/nope" % root, "create %s/after" % root]
    p = zkcli(target, flag, stdin=lines)
    assert (p.returncode, p.stdout) == (2, "Created %s\n" % root), p
    assert len(p.stderr.strip().splitlines()) >= 1 and "NoNode" not in p.stderr
    assert not exists(target, root + "/after")
    s = tmp_path / "s.zk"
    s.write_text("\n".join(["get %s/nope" % root, "create %s/after" % root]) + "\n")
    p = zkcli(target, flag, "-f", str(s), stdin="")
    assert p.returncode == 1 and not exists(target, root + "/after"), p


@both()
def test_script_from_stdin_with_dash_f(target):
    """Item 9: `-f -` reads the script from stdin."""
    ok(zkcli(target, "-f", "-", stdin=["ls /zookeeper", "get /zookeeper"]), "[config, quota]\n\n")


@both()
def test_script_file_and_command_together_is_a_usage_error(target, tmp_path):
    """Item 9: `zkcli -f FILE ls /` is a usage error (exit 2) that names -f."""
    s = tmp_path / "s.zk"
    s.write_text("ls /\n")
    p = zkcli(target, "-f", str(s), "ls", "/", stdin="")
    assert "-f" in fails(p, 2)


def test_version_and_command_help_need_no_server():
    """Item 9: `zkcli --version` and `zkcli get --help` answer without connecting (a closed port)."""
    closed = "127.0.0.1:%d" % free_port()
    p = zkcli(None, "--version", hosts=closed, stdin="")
    assert p.returncode == 0 and "zkcli" in p.stdout.splitlines()[0], p
    p = zkcli(None, "get", "--help", hosts=closed, stdin="")
    assert p.returncode == 0 and "usage: get" in p.stdout, p


def test_bad_config_line_names_file_and_line(tmp_path):
    """Item 9: a bad line in $ZKCLI_CONFIG exits 2 with 'PATH:LINE: ' in front of the message."""
    rc = tmp_path / "rc"
    rc.write_text("timeout=1000\nthis is not a setting\n")
    p = zkcli(None, "ls", "/", hosts="127.0.0.1:%d" % free_port(), env={"ZKCLI_CONFIG": str(rc)}, stdin="")
    assert fails(p, 2).startswith("%s:2: " % rc)


# ---- 10. grep and watch output -----------------------------------------------------------------

@both()
def test_grep_without_match_exits_1_silently(target, root):
    """Item 10: grep with no match: exit 1, nothing on stdout or stderr."""
    ok(zkcli(target, "create", root, "haystack"))
    p = zkcli(target, "grep", "needle", root)
    assert (p.returncode, p.stdout, p.stderr) == (1, "", ""), p


@both()
def test_grep_in_a_huge_line_prints_a_short_excerpt(target, root, tmp_path):
    """Item 10: a match in the middle of a 512,000-byte node prints a line shorter than 300 characters
    with the node's path and the match."""
    data = tmp_path / "big"
    data.write_bytes(b"a" * 255997 + b"needle" + b"b" * 255997)
    ok(zkcli(target, "create", "-f", str(data), root))
    out = ok(zkcli(target, "grep", "needle", root))
    assert out and all(len(line) < 300 for line in out.splitlines()), "line of %d characters" % widest(out)
    assert any("needle" in line and root in line for line in out.splitlines()), out


@both()
def test_counted_watch_ends_without_watch_removed_noise(target, root):
    """Item 10: `watch -c 1 P` in a script ends after the event without printing WatchRemoved or
    PersistentWatchRemoved."""
    ok(zkcli(target, "create", root, "a"))
    with started([ZKCLI, "-server", target.hosts], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE, text=True) as p:
        p.stdin.write("watch -c 1 %s\n" % root)
        p.stdin.flush()
        assert wait_until(lambda: root in watched_paths(target), 10), "watch never registered"
        ok(zkcli(target, "set", root, "b"))
        out, err = p.communicate(timeout=20)
    assert p.returncode == 0, err
    assert out.splitlines() == ["NodeDataChanged %s" % root]
    assert "WatchRemoved" not in out + err, (out, err)


@both()
def test_json_watch_event_has_zxid_and_data(target, root):
    """Item 10: `--json watch -c 1 -d P`: the event has the zxid of the change (the node's mzxid) and,
    with -d, the new data."""
    ok(zkcli(target, "create", root, "v1"))
    with started([ZKCLI, "-server", target.hosts, "--json", "watch", "-c", "1", "-d", root], stdin=subprocess.DEVNULL,
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as p:
        assert wait_until(lambda: root in watched_paths(target), 10), "watch never registered"
        ok(zkcli(target, "set", root, "v2"))
        out, err = p.communicate(timeout=20)
    assert p.returncode == 0, err
    event = json.loads(out)
    mzxid = json.loads(ok(zkcli(target, "stat", root, json_out=True)))["stat"]["mzxid"]
    assert (event["event"], event["path"], event["data"], event["encoding"]) == \
        ("NodeDataChanged", root, "v2", "utf-8")
    assert isinstance(event["zxid"], int) and event["zxid"] == mzxid, (event, mzxid)


# ---- 11. layout --------------------------------------------------------------------------------

@both()
def test_help_fits_80_columns(target):
    """Item 11: every line of `help` is at most 80 columns wide (tabs expanded)."""
    text = ok(zkcli(target, "help", env={"COLUMNS": None}))
    long_lines = [line for line in text.splitlines() if len(line.expandtabs()) > 80]
    assert not long_lines, "%d lines wider than 80, e.g. %r" % (len(long_lines), long_lines[0])


@both()
def test_no_escape_sequences_into_a_pipe(target, root):
    """Item 11: output through a pipe never contains the escape character."""
    ok(script(target, ["create %s" % root, "create %s/a 'Hello there'" % root, "create %s/b" % root]))
    for cmd in (["help"], ["help", "ls"], ["ls", "-R", root], ["tree", "-s", root], ["grep", "-i", "hello", root],
                ["get", root + "/none"], ["4lw", "-a", "srvr"], ["ensemble"], ["du", root], ["diff", root, root],
                ["bogus"]):
        p = zkcli(target, *cmd, env={"TERM": "xterm-256color"})
        assert "\x1b" not in p.stdout + p.stderr, (cmd, p.stdout, p.stderr)


# ---- 12. ensemble discovery --------------------------------------------------------------------

@pytest.fixture(scope="module", params=["apache", "zkserver"])
def ensemble(request):
    """A 3-server ensemble of one implementation, shared by this module's ensemble tests."""
    impl = request.param
    if impl == "apache" and (not shutil.which("java") or not os.path.isfile("/usr/share/java/zookeeper.jar")):
        pytest.skip("java or /usr/share/java/zookeeper.jar missing")
    d = tempfile.mkdtemp(prefix="zkcli-ens-%s-" % impl)
    e = Ensemble(d, n=3, impl=impl)
    if impl == "zkserver" and not os.access(e.zkserver_bin, os.X_OK):
        shutil.rmtree(d, ignore_errors=True)
        pytest.skip("zkserver not built (%s)" % e.zkserver_bin)
    try:
        e.write_configs()
        e.start_all(timeout=90)
        yield e
    finally:
        e.close()
        shutil.rmtree(d, ignore_errors=True)


def member_rows(out, e, sids=None):
    """The members (of sids, default all) that have a line of their own starting with their address."""
    return [sid for sid in (sids or sorted(e.servers))
            if any(line.startswith(e.servers[sid].hostport) for line in out.splitlines())]


def run_wide(e, sid, *cmd):
    """The command with --wide (an option before the command, or else one of the command's flags)."""
    p = zkcli(None, "--wide", *cmd, hosts=e.servers[sid].hostport, env={"COLUMNS": None})
    if p.returncode == 2:
        p = zkcli(None, *cmd, "--wide", hosts=e.servers[sid].hostport, env={"COLUMNS": None})
    return p


def test_ensemble_and_4lw_discover_every_member(ensemble):
    """Items 12 and 11: connected to one member, `ensemble` has a row for each of the 3 members and
    `4lw -a srvr` answers for each, in lines of at most 80 columns unless --wide is given."""
    e = ensemble
    one = e.servers[1].hostport
    out = ok(zkcli(None, "ensemble", hosts=one, env={"COLUMNS": None}))
    assert member_rows(out, e) == [1, 2, 3], out
    assert widest(out) <= 80, out
    out = ok(zkcli(None, "4lw", "-a", "srvr", hosts=one, env={"COLUMNS": None}))
    assert all(e.servers[sid].hostport in out for sid in e.servers), out
    assert out.count("Mode") + out.count("leader") + out.count("follower") >= 3, out
    assert widest(out) <= 80, out
    out = ok(run_wide(e, 1, "ensemble"))
    assert member_rows(out, e) == [1, 2, 3], out
    out = ok(run_wide(e, 1, "4lw", "-a", "srvr"))
    assert all(e.servers[sid].hostport in out for sid in e.servers), out


def test_gtmk_on_an_ensemble_member(ensemble):
    """Item 12: `4lw gtmk` answers with a number (4lw.commands.whitelist=* in the harness's zoo.cfg)."""
    out = ok(zkcli(None, "4lw", "gtmk", hosts=ensemble.servers[1].hostport))
    assert out.strip().isdigit(), out


def test_ensemble_with_a_member_down(ensemble):
    """Item 12: with one member killed, `ensemble` and `4lw -a srvr` exit 3 and still show the others."""
    e = ensemble
    leader = e.leader()
    gone = next(sid for sid in sorted(e.servers) if sid != leader)
    live = [sid for sid in sorted(e.servers) if sid != gone]
    e.kill(gone)
    try:
        p = zkcli(None, "ensemble", hosts=e.servers[leader].hostport)
        assert p.returncode == 3, p
        assert member_rows(p.stdout, e, live) == live, p.stdout
        # The member that is down is one short cell, not an error description, and the table stays aligned.
        down = [line for line in p.stdout.splitlines() if e.servers[gone].hostport in line]
        assert len(down) == 1 and down[0].split(None, 1)[1].strip() == "down: connection refused", p.stdout
        header = p.stdout.splitlines()[0]
        assert down[0].index("down:") == header.index("MODE"), p.stdout
        p = zkcli(None, "4lw", "-a", "srvr", hosts=e.servers[leader].hostport)
        assert p.returncode == 3, p
        assert all(e.servers[sid].hostport in p.stdout for sid in live), p.stdout
    finally:
        e.start(gone)
        e.wait_server(gone, timeout=90)


def raw_four_letter(hosts, payload):
    host, port = hosts.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(payload)
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            data += chunk
    return data


@both()
def test_stmk_sets_the_trace_mask_as_apache_does(target):
    """Item 12: `4lw stmk MASK` sets the trace mask and answers it in decimal, as Apache 3.8.0 does
    ('498' for 0x1f2, no newline on the wire); gtmk then answers the same."""
    before = ok(zkcli(target, "4lw", "gtmk")).strip()
    assert before.isdigit(), before
    try:
        assert ok(zkcli(target, "4lw", "stmk", "0x1f2")).strip() == "498"
        assert ok(zkcli(target, "4lw", "gtmk")).strip() == "498"
        assert raw_four_letter(target.hosts, b"stmk" + struct.pack(">q", 0x132)) == b"306"
        assert raw_four_letter(target.hosts, b"gtmk") == b"306"
    finally:
        zkcli(target, "4lw", "stmk", hex(int(before)))


# ---- 13. edit, diff, du, tree -s ---------------------------------------------------------------

def edit_env(editor, tmp_path):
    # TMPDIR: the edited copy zkcli keeps after a conflict lands in the test's directory
    return {"EDITOR": editor, "VISUAL": None, "TMPDIR": str(tmp_path)}


@both()
def test_edit_saves_the_edited_data(target, root, tmp_path):
    """Item 13: `edit P` runs $EDITOR (through sh) on the data and saves the result."""
    ok(zkcli(target, "create", root, "old"))
    ok(zkcli(target, "edit", root, env=edit_env("sed -i s/old/new/", tmp_path), stdin=""))
    ok(zkcli(target, "get", root), "new\n")


@both()
def test_edit_refuses_to_overwrite_a_concurrent_change(target, root, tmp_path):
    """Item 13: when the node changes while the editor runs, edit exits 1 with BadVersion and a diff, and
    the other change stays."""
    ok(zkcli(target, "create", root, "old"))
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\n'%s' -server %s set %s other </dev/null\nexec sed -i s/old/new/ \"$1\"\n"
                      % (ZKCLI, target.hosts, root))
    editor.chmod(0o755)
    p = zkcli(target, "edit", root, env=edit_env(str(editor), tmp_path), stdin="")
    assert p.returncode == 1 and "BadVersion" in p.stderr, p
    lines = (p.stdout + p.stderr).splitlines()
    assert any(line.startswith("-") for line in lines) and any(line.startswith("+") for line in lines), p
    ok(zkcli(target, "get", root), "other\n")


SUBTREE = ["create {r}", "create {r}/k1 one", "create {r}/k2 two", "create {r}/k2/deep 'deep data'"]


@both()
def test_diff_of_two_subtrees(target, root):
    """Item 13: `diff A B` of equal subtrees exits 0 silently; differing data, an extra child and a differing
    ACL give exit 1 and 'data differs:', 'only in ...:', 'acl differs:' lines."""
    a, b = root + "/a", root + "/b"
    ok(script(target, ["create %s" % root] + [c.format(r=a) for c in SUBTREE] + [c.format(r=b) for c in SUBTREE]))
    p = zkcli(target, "diff", a, b)
    assert (p.returncode, p.stdout, p.stderr) == (0, "", ""), p
    ok(script(target, ["set %s/k1 uno" % b, "create %s/k2/extra" % b, "setAcl %s/k2/deep world:anyone:cdr" % b]))
    p = zkcli(target, "diff", a, b)
    assert p.returncode == 1, p
    lines = p.stdout.splitlines()
    assert any(line.startswith("data differs: ") and "k1" in line for line in lines), p.stdout
    assert any(line.startswith("only in ") and "extra" in line for line in lines), p.stdout
    assert any(line.startswith("acl differs: ") and "deep" in line for line in lines), p.stdout


def test_diff_across_two_servers(zk_servers):
    """Item 13: `diff P zk://HOST:PORT/P2` compares a subtree of the Apache server with one of zkserver."""
    hosts = {name: zk_servers.get(name) for name in ("apache", "zkserver")}
    for name, h in hosts.items():
        if h is None:
            pytest.skip("%s not available: %s" % (name, zk_servers.errors.get(name)))
    apache, ours = (type("T", (), {"hosts": hosts[n]})() for n in ("apache", "zkserver"))
    pa, pz = "/zkcli-diff-across-a", "/zkcli-diff-across-z"
    try:
        ok(script(apache, [c.format(r=pa) for c in SUBTREE]))
        ok(script(ours, [c.format(r=pz) for c in SUBTREE]))
        p = zkcli(apache, "diff", pa, "zk://%s%s" % (ours.hosts, pz))
        assert (p.returncode, p.stdout, p.stderr) == (0, "", ""), p
        ok(zkcli(ours, "set", pz + "/k1", "changed"))
        p = zkcli(apache, "diff", pa, "zk://%s%s" % (ours.hosts, pz))
        assert p.returncode == 1 and "data differs: " in p.stdout, p
    finally:
        wipe(apache, pa)
        wipe(ours, pz)


@both()
def test_du(target, root, tmp_path):
    """Item 13: `du P`: BYTES<TAB>NODES<TAB>PATH for P and each node below it with children, children
    first; -h human-readable sizes; -s only P."""
    (tmp_path / "512").write_bytes(b"a" * 512)
    (tmp_path / "1024").write_bytes(b"b" * 1024)
    ok(script(target, ["create %s" % root, "create -f %s %s/a" % (tmp_path / "512", root),
                       "create -f %s %s/a/x" % (tmp_path / "1024", root), "create %s/b" % root]))
    ok(zkcli(target, "du", root), "1536\t2\t%s/a\n1536\t4\t%s\n" % (root, root))
    ok(zkcli(target, "du", "-h", root), "1.5K\t2\t%s/a\n1.5K\t4\t%s\n" % (root, root))
    ok(zkcli(target, "du", "-s", root), "1536\t4\t%s\n" % root)


@both()
def test_tree_sizes_are_human_readable_with_totals(target, root, tmp_path):
    """Item 13: `tree -s` shows human-readable sizes (KiB for a 2,000-byte node) and subtree totals."""
    (tmp_path / "big").write_bytes(b"z" * 2000)
    ok(script(target, ["create %s" % root, "create -f %s %s/big" % (tmp_path / "big", root),
                       "create %s/small abc" % root]))
    lines = ok(zkcli(target, "tree", "-s", root)).splitlines()
    assert "KiB" in next(line for line in lines if "big" in line), lines
    assert "KiB" in lines[0], "the root's line (no data of its own) shows its subtree's total: %r" % lines[0]


# ---- top: the live view of every member ----------------------------------------------------------

def srvr_zxid(hostport):
    host, port = hostport.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"srvr")
        text = b"".join(iter(lambda: sock.recv(4096), b"")).decode()
    return next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Zxid:")), None)


def test_top_shows_every_member_with_rates_and_lag(ensemble):
    """Issue 11 item 7: `top` has a row per member with lag behind the leader, requests/s from the change
    in srvr's Received between two looks, and mntr's p99s and watch count; --json streams one document per
    refresh. Against Apache and zkserver alike."""
    e = ensemble
    one = e.servers[1].hostport
    # A fresh Apache ensemble's followers say zxid 0 under a leader at the new epoch's 0x...00000000; after
    # a write every member is at the same zxid.
    ok(zkcli(None, "create", "/top-%d" % os.getpid(), hosts=one))
    assert wait_until(lambda: len({srvr_zxid(e.servers[s].hostport) for s in e.servers}) == 1), \
        [srvr_zxid(e.servers[s].hostport) for s in e.servers]
    # srvr's Received counts client packets (not four-letter words): each member gets readers meanwhile.
    running = threading.Event()
    running.set()

    def read(hostport):
        while running.is_set():
            zkcli(None, stdin="ls /\n" * 50, hosts=hostport, timeout=30)

    readers = [threading.Thread(target=read, args=(e.servers[s].hostport,), daemon=True) for s in e.servers]
    for t in readers:
        t.start()
    try:
        p = zkcli(None, "--json", "top", "-n", "2", "-i", "1", hosts=one, timeout=60)
    finally:
        running.clear()
        for t in readers:
            t.join(timeout=30)
    assert p.returncode == 0, p
    frames = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(frames) == 2, p.stdout
    for frame in frames:
        assert sorted(m["server"] for m in frame["members"]) == sorted(e.servers[s].hostport for s in e.servers)
        assert sorted(m["mode"] for m in frame["members"]) == ["follower", "follower", "leader"], frame
        # The readers' sessions are transactions too (create and close), so a follower may be a few behind.
        assert all(isinstance(m["lag"], int) and 0 <= m["lag"] < 50 and m["behindByEpochs"] is False
                   for m in frame["members"]), frame
        assert all(isinstance(m["latencyP99Ms"], (int, float)) and isinstance(m["watches"], int) for m in frame["members"]), frame
    assert all(m["requestsPerSecond"] is None for m in frames[0]["members"]), frames[0]
    # Each look sends srvr and mntr to every member: the second frame's rates are measured, not assumed.
    assert all(m["requestsPerSecond"] > 0 for m in frames[1]["members"]), frames[1]
    out = ok(zkcli(None, "top", "-n", "1", hosts=one, env={"COLUMNS": None}, timeout=60))
    assert member_rows(out, e) == [1, 2, 3], out
    assert "LAG" in out and "REQ/S" in out and "P99MS" in out and widest(out) <= 80, out


def test_top_keys_sort_and_q_quits(ensemble):
    """Issue 11 item 7: at the prompt, top redraws in place; r sorts by request rate, m by mode (the
    leader first), and q gives the prompt back."""
    if not shutil.which("tmux"):
        pytest.skip("tmux not installed")
    e = ensemble
    session = "zkcli-top-%d" % os.getpid()
    home = tempfile.mkdtemp(prefix="zkcli-top-")
    command = "env -i PATH=/usr/bin:/bin HOME=%s TERM=screen LANG=C.UTF-8 %s -server %s" % (home, ZKCLI, e.servers[1].hostport)
    subprocess.run(["tmux", "-u", "new-session", "-d", "-s", session, "-x", "160", "-y", "30", command], check=True, timeout=10)

    def screen():
        return subprocess.run(["tmux", "capture-pane", "-t", session, "-p"], capture_output=True, timeout=10).stdout.decode()

    try:
        assert wait_until(lambda: "(CONNECTED) /]" in screen()), screen()
        subprocess.run(["tmux", "send-keys", "-t", session, "top -i 1", "Enter"], check=True, timeout=10)
        assert wait_until(lambda: "sorted by server" in screen()), screen()
        subprocess.run(["tmux", "send-keys", "-t", session, "m"], check=True, timeout=10)
        assert wait_until(lambda: "sorted by mode" in screen()), screen()
        rows = [line for line in screen().splitlines() if any(line.startswith(e.servers[s].hostport) for s in e.servers)]
        assert len(rows) == 3 and rows[0].split()[1] == "leader", screen()
        subprocess.run(["tmux", "send-keys", "-t", session, "r"], check=True, timeout=10)
        assert wait_until(lambda: "sorted by req/s" in screen()), screen()
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True, timeout=10)
        assert wait_until(lambda: screen().rstrip().endswith("(CONNECTED) /]")), screen()
        # The terminal is the line editor's again: a command typed now runs.
        subprocess.run(["tmux", "send-keys", "-t", session, "ls /zookeeper", "Enter"], check=True, timeout=10)
        assert wait_until(lambda: "[config, quota]" in screen()), screen()
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, timeout=10)
        shutil.rmtree(home, ignore_errors=True)


def test_debians_zktop_shows_every_member(ensemble):
    """Issue 11: Debian's zktop (phunt/zktop, through stat) runs in a pseudo-terminal against the ensemble
    and has a line for every member with its mode."""
    if not shutil.which("zktop") or not shutil.which("tmux"):
        pytest.skip("zktop or tmux not installed")
    e = ensemble
    session = "zktop-%d" % os.getpid()
    servers = ",".join(e.servers[s].hostport for s in sorted(e.servers))
    subprocess.run(["tmux", "-u", "new-session", "-d", "-s", session, "-x", "160", "-y", "30",
                    "env TERM=screen zktop --servers=%s -l ''" % servers], check=True, timeout=10)

    def screen():
        return subprocess.run(["tmux", "capture-pane", "-t", session, "-p"], capture_output=True, timeout=10).stdout.decode()

    try:
        def every_member():
            text = screen()
            lines = [l for l in text.splitlines() if "127.0.0.1" in l]
            return len(lines) >= 3 and all(any(str(e.servers[s].client_port) in l for l in lines) for s in e.servers) \
                and sum(1 for l in lines if " L " in l) == 1 and sum(1 for l in lines if " F " in l) == 2
        assert wait_until(every_member, seconds=20), screen()
    finally:
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], capture_output=True, timeout=10)
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, timeout=10)
