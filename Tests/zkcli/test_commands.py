"""zkcli's commands against Apache ZooKeeper 3.8.0 and against zkserver (servers: conftest.py), with the
effects checked through zkCli.sh where it has the command, and one long script whose normalised results
must be the same on both servers.

Run:  ZKSERVER_BIN=$PWD/.build/debug/zkserver .venv/bin/pytest Tests/zkcli/test_commands.py -q -rs
Env:  ZKCLI  the shell (default .build/debug/zkcli);  ZKCLI_SH  zkCli.sh (default the Debian package's).
"""
import base64
import json
import re
import subprocess
import time
import types

import pytest

from zkcli_util import (BINARY, ENV, STAT_FIELDS, SUPER, ZKCLI, both, fails, free_port, norm_lines, ok,
                        parse_stat, script, wait_until, watched_paths, wipe, zkcli, zkcli_lines, zksh)

# ---- CRUD, flags and versions ------------------------------------------------------------------

@both()
def test_crud_and_versions(target, root):
    ok(zkcli(target, "create", root, "v0"), "Created %s\n" % root)
    ok(zkcli(target, "get", root), "v0\n")
    ok(zkcli(target, "set", root, "v1"), "")
    stat = parse_stat(ok(zkcli(target, "set", "-s", root, "v2")))
    assert stat["dataVersion"] == "2" and stat["dataLength"] == "2"
    fails(zkcli(target, "set", "-v", "7", root, "x"), 1, "BadVersion: %s" % root)
    ok(zkcli(target, "set", "-v", "2", root, "v3"), "")
    out = ok(zkcli(target, "get", "-s", root))
    assert out.startswith("v3\ncZxid = 0x")
    stat = parse_stat(out)
    assert list(stat) == ["cZxid", "ctime", "mZxid", "mtime", "pZxid", "cversion", "dataVersion",
                          "aclVersion", "ephemeralOwner", "dataLength", "numChildren"]
    assert (stat["dataVersion"], stat["dataLength"], stat["ephemeralOwner"]) == ("3", "2", "0x0")
    assert re.match(r"^\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}$", stat["ctime"])
    assert parse_stat(ok(zkcli(target, "stat", root))) == stat
    fails(zkcli(target, "create", root), 1, "NodeExists: %s" % root)
    ok(zkcli(target, "create", root + "/kid"), "Created %s/kid\n" % root)
    fails(zkcli(target, "create", root + "/none/kid"), 1, "NoNode: %s/none/kid" % root)
    fails(zkcli(target, "delete", root), 1, "NotEmpty: %s" % root)
    fails(zkcli(target, "delete", "-v", "9", root + "/kid"), 1, "BadVersion: %s/kid" % root)
    ok(zkcli(target, "delete", "-v", "0", root + "/kid"), "")
    ok(zkcli(target, "ls", root), "[]\n")
    ok(zkcli(target, "delete", root), "")
    fails(zkcli(target, "get", root), 1, "NoNode: %s" % root)
    fails(zkcli(target, "stat", root), 1, "NoNode: %s" % root)


@both()
def test_sequential_and_ephemeral_nodes_in_a_script(target, root):
    p = script(target, ["create %s" % root, "create -s %s/s- a" % root, "create -s %s/s- b" % root,
                        "create -e %s/eph e" % root, "create -s -e %s/es- x" % root,
                        "getEphemerals %s" % root, "stat %s/eph" % root, "ls %s" % root])
    out = ok(p).splitlines()
    assert out[:5] == ["Created %s" % root, "Created %s/s-0000000000" % root, "Created %s/s-0000000001" % root,
                       "Created %s/eph" % root, "Created %s/es-0000000003" % root]
    assert sorted(out[5].strip("[]").split(", ")) == ["%s/eph" % root, "%s/es-0000000003" % root]
    owner = parse_stat("\n".join(out[6:]))["ephemeralOwner"]
    assert owner.startswith("0x") and int(owner, 16) != 0
    assert out[-1] == "[eph, es-0000000003, s-0000000000, s-0000000001]"
    # the script's session is gone with the process, and its ephemerals with it
    assert wait_until(lambda: zkcli(target, "ls", root).stdout == "[s-0000000000, s-0000000001]\n")
    ok(zkcli(target, "getEphemerals", root), "[]\n")


@both()
def test_container_node_is_reaped(target, root):
    ok(zkcli(target, "create", root))
    ok(zkcli(target, "create", "-c", root + "/cont"), "Created %s/cont\n" % root)
    ok(zkcli(target, "create", root + "/cont/kid", "k"))
    assert parse_stat(ok(zkcli(target, "stat", root + "/cont")))["ephemeralOwner"] == "0x0"
    ok(zkcli(target, "delete", root + "/cont/kid"))
    assert wait_until(lambda: zkcli(target, "stat", root + "/cont").returncode == 1), "container not reaped"


@both()
def test_ttl_node(target, root):
    ok(zkcli(target, "create", root))
    p = zkcli(target, "create", "-t", "300", root + "/ttl", "t")
    if p.returncode != 0 and re.search(r"Unimplemented|TTL|extended", p.stderr, re.I):
        pytest.skip("server refuses TTL nodes: %s" % p.stderr.strip())
    ok(p, "Created %s/ttl\n" % root)
    # clients see ephemeralOwner 0 for TTL and container nodes (Apache's DataNode.copyStat)
    assert parse_stat(ok(zkcli(target, "stat", root + "/ttl")))["ephemeralOwner"] == "0x0"
    assert wait_until(lambda: zkcli(target, "stat", root + "/ttl").returncode == 1), "TTL node not reaped"


# ---- ACLs, auth, sessions ----------------------------------------------------------------------

@both()
def test_acl_addauth_whoami(target, root):
    out = ok(script(target, ["addauth digest u1:p1", "create %s a auth:u1:p1:cdrwa" % root,
                             "create %s/c x" % root, "getAcl %s" % root, "whoami"]))
    lines = out.splitlines()
    assert lines[:4] == ["Created %s" % root, "Created %s/c" % root,
                         "'digest,'u1:fpT/y03U+EjItKZOSLGvjnJlyng=", ": cdrwa"]
    assert lines[4] == "Auth scheme: User" and sorted(lines[5:]) == ["digest: u1", "ip: 127.0.0.1"]
    fails(zkcli(target, "get", root), 1, "NoAuth: %s" % root)
    fails(zkcli(target, "getAcl", root), 1, "NoAuth: %s" % root)
    ok(zkcli(target, "get", root, auth="digest:u1:p1"), "a\n")
    fails(zkcli(target, "setAcl", "-v", "5", root, "world:anyone:r", auth="digest:u1:p1"), 1, "BadVersion: %s" % root)
    ok(zkcli(target, "setAcl", "-R", "-v", "0", root, "world:anyone:cdr,digest:u1:fpT/y03U+EjItKZOSLGvjnJlyng=:a",
             auth="digest:u1:p1"), "")
    # (Apache 3.8.0 answers a digest id given in a setAcl ACL as 'u1:x')
    expect = "'world,'anyone\n: cdr\n'digest,'u1:x\n: a\n"
    ok(zkcli(target, "getAcl", root + "/c"), expect)
    stat = parse_stat(ok(zkcli(target, "getAcl", "-s", root)))
    assert stat["aclVersion"] == "1"
    fails(zkcli(target, "set", root, "b"), 1, "NoAuth: %s" % root)
    # zkCli.sh sees the same ACLs
    assert zksh(target, ["getAcl %s" % root, "getAcl %s/c" % root]) == norm_lines(expect * 2)


@both()
def test_whoami_identity_order_matches_apache(target):
    ok(zkcli(target, "whoami", auth="digest:u1:p1"), "Auth scheme: User\ndigest: u1\nip: 127.0.0.1\n")


@both()
def test_whoami_and_config_match_zkclish(target):
    assert zkcli_lines(target, ["whoami"]) == ["Auth scheme: User", "ip: 127.0.0.1"]
    cmds = ["whoami", "config", "config -s", "config -c"]
    assert zkcli_lines(target, cmds) == zksh(target, cmds)
    ok(zkcli(target, "config"), "")  # standalone: no dynamic configuration


@both()
def test_sync_getephemerals_getallchildrennumber(target, root):
    for p in (root, root + "/a", root + "/a/b", root + "/c"):
        ok(zkcli(target, "create", p))
    ok(zkcli(target, "sync", root), "Sync is OK\n")
    ok(zkcli(target, "getAllChildrenNumber", root), "3\n")
    ok(zkcli(target, "getAllChildrenNumber", root + "/c"), "0\n")
    out = ok(script(target, ["create -e %s/a/e1" % root, "create -e %s/c/e2" % root,
                             "getEphemerals %s/a" % root, "getEphemerals"]))
    lines = out.splitlines()
    assert lines[2] == "[%s/a/e1]" % root
    assert sorted(lines[3].strip("[]").split(", ")) == ["%s/a/e1" % root, "%s/c/e2" % root]
    fails(zkcli(target, "getAllChildrenNumber", root + "/none"), 1, "NoNode: %s/none" % root)


# ---- navigation and subtrees -------------------------------------------------------------------

@both()
def test_relative_paths_with_cd(target, root):
    out = ok(script(target, ["create %s" % root, "cd %s" % root, "pwd", "create a 1", "create a/b 2",
                             "cd a", "pwd", "get b", "ls ..", "get ../a", "set b 3", "cd ..", "ls", "get a/b",
                             "stat a/b", "delete a/b", "ls a", "cd", "pwd"]))
    lines = out.splitlines()
    assert lines[:10] == ["Created %s" % root, root, "Created %s/a" % root, "Created %s/a/b" % root,
                          "%s/a" % root, "2", "[a]", "1", "[a]", "3"]
    assert parse_stat("\n".join(lines[10:21]))["dataVersion"] == "1"
    assert lines[21:] == ["[]", "/"]
    fails(script(target, ["cd %s/none" % root]), 1, "<stdin>:1: NoNode: %s/none" % root)


@both()
def test_tree_find_grep(target, root):
    ok(script(target, ["create %s" % root, "create %s/a alpha" % root, "create %s/a/x 'Hello there'" % root,
                       "create %s/b beta" % root, "create %s/b/c" % root]))
    tree = ok(zkcli(target, "tree", root))
    assert tree == ("%s\n├── a\n│   └── x\n└── b\n    └── c\n5 nodes, 20 bytes\n" % root)
    assert ok(zkcli(target, "tree", "-d", "1", root)).splitlines()[-1] == "3 nodes, 9 bytes"
    assert re.search(r"── a  \[5 B, 1 child\b", ok(zkcli(target, "tree", "-s", root)))
    ok(zkcli(target, "find", root), "%s\n%s/a\n%s/a/x\n%s/b\n%s/b/c\n" % ((root,) * 5))
    ok(zkcli(target, "find", "-n", "[xc]", root), "%s/a/x\n%s/b/c\n" % (root, root))
    ok(zkcli(target, "find", "-d", "1", root), "%s\n%s/a\n%s/b\n" % ((root,) * 3))
    out = ok(script(target, ["create -e %s/b/eph" % root, "find -e %s" % root]))
    assert out.splitlines()[-1] == "%s/b/eph" % root
    ok(zkcli(target, "grep", "-i", "HELLO", root), "%s/a/x: Hello there\n" % root)
    ok(zkcli(target, "grep", "-l", "^.e", root), "%s/a/x\n%s/b\n" % (root, root))
    p = zkcli(target, "grep", "nomatch", root)
    assert (p.returncode, p.stdout, p.stderr) == (1, "", ""), p


@both()
def test_cp_mv_export_import_round_trip(target, root, tmp_path):
    src = root + "/src"
    ok(script(target, ["create %s" % root, "create %s data" % src, "create %s/k1 one" % src,
                       "create %s/k1/k2 two world:anyone:cdra" % src]))
    binfile = tmp_path / "bin"
    binfile.write_bytes(BINARY)
    ok(zkcli(target, "create", "-f", str(binfile), src + "/bin"))

    def export(path):
        doc = json.loads(ok(zkcli(target, "export", path)))
        assert doc["format"] == "zkcli-export" and doc["path"] == path
        node = doc["node"]
        node.pop("name")
        return node

    original = export(src)
    assert {c["name"] for c in original["children"]} == {"bin", "k1"}
    exported = tmp_path / "export.json"
    ok(zkcli(target, "export", "-o", str(exported), src), "")
    ok(zkcli(target, "import", "-f", str(exported), root + "/imp"))
    assert export(root + "/imp") == original
    assert "NodeExists: %s/imp" % root in fails(zkcli(target, "import", "-f", str(exported), root + "/imp"), 1)
    ok(zkcli(target, "set", root + "/imp/k1", "changed"))
    ok(zkcli(target, "import", "-u", "-f", str(exported), root + "/imp", auth=SUPER))  # k2 has no 'w' for anyone
    ok(zkcli(target, "get", root + "/imp/k1"), "one\n")
    ok(zkcli(target, "import", root + "/piped", stdin=exported.read_text()))
    assert export(root + "/piped") == original
    ok(zkcli(target, "cp", src, root + "/copy"))
    assert export(root + "/copy") == original
    ok(zkcli(target, "getAcl", root + "/copy/k1/k2"), "'world,'anyone\n: cdra\n")
    ok(zkcli(target, "mv", root + "/copy", root + "/moved"))
    fails(zkcli(target, "stat", root + "/copy"), 1, "NoNode: %s/copy" % root)
    assert export(root + "/moved") == original
    ok(zkcli(target, "get", "-o", str(tmp_path / "b2"), root + "/moved/bin"), "")
    assert (tmp_path / "b2").read_bytes() == BINARY


@both()
def test_deleteall_batches(target, root):
    lines = ["create %s" % root] + ["create %s/n%d %d" % (root, i, i) for i in range(8)] + \
            ["create %s/n0/m%d" % (root, i) for i in range(4)]
    ok(script(target, lines))
    ok(zkcli(target, "getAllChildrenNumber", root), "12\n")
    ok(zkcli(target, "deleteall", "-b", "2", root), "deleted 13 nodes\n")
    fails(zkcli(target, "stat", root), 1, "NoNode: %s" % root)
    fails(zkcli(target, "deleteall", root), 1, "NoNode: %s" % root)


@both()
def test_get_formats_and_binary_round_trip(target, root, tmp_path):
    src = tmp_path / "in.bin"
    src.write_bytes(BINARY)
    ok(zkcli(target, "create", "-f", str(src), root), "Created %s\n" % root)
    ok(zkcli(target, "get", "-b", root), base64.b64encode(BINARY).decode() + "\n")
    hexdump = ok(zkcli(target, "get", "-x", root))
    assert hexdump.startswith("00000000  78 00 01 ff fe 79 7a 0a  80") or \
        hexdump.startswith("00000000  78 00 01 ff fe 79 7a 0a 80"), hexdump
    assert hexdump.rstrip().endswith("|x....yz..|")
    ok(zkcli(target, "get", root), "x\\x00\\x01\\xff\\xfeyz\\x0a\\x80\n")
    out = tmp_path / "out.bin"
    ok(zkcli(target, "get", "-o", str(out), root), "")
    assert out.read_bytes() == BINARY
    other = bytes(range(256))
    src.write_bytes(other)
    ok(zkcli(target, "set", "-f", str(src), root), "")
    ok(zkcli(target, "get", "-o", str(out), root))
    assert out.read_bytes() == other
    assert parse_stat(ok(zkcli(target, "stat", root)))["dataLength"] == "256"
    fails(zkcli(target, "create", "-f", str(tmp_path / "missing"), root + "/x"), 2)


# ---- quotas ------------------------------------------------------------------------------------

@both()
def test_quotas_match_zkclish(target, root):
    n, q2 = root + "/n", root + "/q2"
    ok(script(target, ["create %s" % root, "create %s abc" % n, "create %s/a 12345" % n, "create %s x" % q2]))
    out = ok(script(target, ["setquota -n 10 %s" % n, "listquota %s" % n]))
    assert out.splitlines() == ["absolute path is /zookeeper/quota%s/zookeeper_limits" % n,
                                "Output quota for %s count=10,bytes=-1=;byteHardLimit=-1;countHardLimit=-1" % n,
                                "Output stat for %s count=2,bytes=8" % n]
    cmds = ["listquota %s" % n]
    assert zkcli_lines(target, cmds) == zksh(target, cmds)
    # zkCli.sh sets, zkcli reads (the usage line; the limits line: test_quota_limits_text_matches_zkclish)
    zksh(target, ["setquota -b 50 %s" % q2])
    cmds = ["listquota %s" % q2]
    lines = zkcli_lines(target, cmds)
    assert lines[0] == "absolute path is /zookeeper/quota%s/zookeeper_limits" % q2
    assert lines[1].startswith("Output quota for %s count=-1,bytes=50" % q2)
    assert lines[2] == "Output stat for %s count=1,bytes=1" % q2
    # like zkCli.sh, no quota above or below another one
    assert "has a child %s which has a quota" % n in fails(zkcli(target, "setquota", "-n", "5", root), 2)
    assert "has a parent %s which has a quota" % n in fails(zkcli(target, "setquota", "-n", "5", n + "/a"), 2)
    ok(zkcli(target, "delquota", "-b", q2), "")
    assert zkcli_lines(target, cmds) == zksh(target, cmds)
    assert any(line.startswith("Output quota for %s count=-1,bytes=-1" % q2) for line in zkcli_lines(target, cmds))
    cmds = ["listquota %s" % n]
    ok(zkcli(target, "delquota", "-n", n))
    assert zkcli_lines(target, cmds) == zksh(target, cmds)
    ok(zkcli(target, "delquota", n))
    ok(zkcli(target, "ls", "/zookeeper/quota" + root), "[q2]\n")  # only q2 keeps a quota
    fails(zkcli(target, "setquota", n), 2)


QUOTA_TEXT = ("zkcli's setquota stores other zookeeper_limits text than zkCli.sh, and its listquota re-renders "
              "the limits instead of printing them as zkCli.sh does: `setquota -n 10 P` stores 'count=10,bytes=-1' "
              "(zkCli.sh: 'count=10,bytes=-1=;byteHardLimit=-1;countHardLimit=-1'); after `setquota -B 100 P` "
              "'count=10,bytes=-1=;byteHardLimit=100' (zkCli.sh: '...;byteHardLimit=100;countHardLimit=-1'); for a "
              "quota set by zkCli.sh (`setquota -b 50 P`), `zkcli listquota P` prints 'Output quota for P "
              "count=-1,bytes=50' where zkCli.sh prints 'Output quota for P "
              "count=-1,bytes=50=;byteHardLimit=-1;countHardLimit=-1'")


@both()
def test_quota_limits_text_matches_zkclish(target, root):
    ok(script(target, ["create %s" % root] + ["create %s/%s" % (root, n) for n in ("cli", "sh", "b")]))
    limits = lambda n: ok(zkcli(target, "get", "/zookeeper/quota%s/%s/zookeeper_limits" % (root, n)))
    problems = []
    for step in ("setquota -n 10 {p}", "setquota -B 100 {p}", "setquota -N 20 {p}"):
        ok(zkcli(target, *step.format(p=root + "/cli").split()))
        zksh(target, [step.format(p=root + "/sh")])
        if limits("cli") != limits("sh"):
            problems.append("after %r: zkcli stored %r, zkCli.sh %r" % (step, limits("cli"), limits("sh")))
    zksh(target, ["setquota -b 50 %s/b" % root])
    for n in ("cli", "sh", "b"):
        cmds = ["listquota %s/%s" % (root, n)]
        mine, theirs = zkcli_lines(target, cmds), zksh(target, cmds)
        if mine != theirs:
            problems.append("listquota %s/%s: zkcli %r, zkCli.sh %r" % (root, n, mine, theirs))
    assert not problems, "\n".join(problems)


@both()
def test_quota_usage_is_tracked(target, root):
    ok(script(target, ["create %s abc" % root, "create %s/a 12345" % root, "setquota -n 10 %s" % root,
                       "create %s/b xy" % root]))
    assert ok(zkcli(target, "listquota", root)).splitlines()[-1] == \
        "Output stat for %s count=3,bytes=10" % root
    ok(zkcli(target, "get", "/zookeeper/quota%s/zookeeper_stats" % root), "count=3,bytes=10\n")


@both()
def test_listquota_without_quota_matches_zkclish(target, root):
    ok(zkcli(target, "create", root))
    cmds = ["listquota %s" % root]
    assert zkcli_lines(target, cmds) == zksh(target, cmds)


# ---- cross-checks with zkCli.sh ----------------------------------------------------------------

READ_BACK = ["ls {r}", "ls -s {r}", "ls -R {r}", "get {r}/a", "get -s {r}/a", "getAcl {r}/a", "getAcl -s {r}/a",
             "stat {r}", "get {r}/z", "getAcl {r}/z", "stat {r}/z", "listquota {r}"]


@both()
def test_zkcli_writes_zkclish_reads_and_back(target, root):
    ok(script(target, ["create %s top" % root, "create %s/a alpha" % root, "create -s %s/s- x" % root,
                       "set %s/a alpha2" % root, "setAcl %s/a world:anyone:cdra" % root,
                       "setquota -n 5 %s" % root, "create %s/gone" % root, "delete %s/gone" % root]))
    zksh(target, ["create %s/z zdata" % root, "set %s/z zdata2" % root,
                  "setAcl %s/z digest:u1:fpT/y03U+EjItKZOSLGvjnJlyng=:cdrwa,world:anyone:r" % root])
    reads = [c.format(r=root) for c in READ_BACK]
    expected = zksh(target, reads)
    assert "[a, s-0000000001, z]" in expected and "alpha2" in expected and ": cdra" in expected
    assert zkcli_lines(target, reads) == expected


# ---- watches -----------------------------------------------------------------------------------

@both()
def test_watch_count_in_script(target, root):
    ok(zkcli(target, "create", root, "a"))
    p = subprocess.Popen([ZKCLI, "-server", target.hosts], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=ENV)
    try:
        p.stdin.write("watch -c 2 %s\nget %s\n" % (root, root))
        p.stdin.flush()
        assert wait_until(lambda: root in watched_paths(target), 10), "watch never registered"
        ok(zkcli(target, "set", root, "b"))
        time.sleep(0.3)  # the one-shot watch is re-armed after each event
        assert wait_until(lambda: root in watched_paths(target), 10)
        ok(zkcli(target, "create", root + "/kid"))
        out, err = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(10)
    assert p.returncode == 0, err
    lines = out.splitlines()
    assert lines[0] == "NodeDataChanged %s" % root
    assert lines[1] in ("NodeChildrenChanged %s" % root,)
    assert lines[2:] == ["b"]


@both()
def test_recursive_watch_with_second_zkcli(target, root):
    ok(zkcli(target, "create", root))
    p = subprocess.Popen([ZKCLI, "-server", target.hosts, "--json"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    try:
        p.stdin.write("watch -R -c 2 %s\n" % root)
        p.stdin.flush()
        assert wait_until(lambda: root in watched_paths(target), 10), "watch never registered"
        ok(zkcli(target, "create", root + "/a", "1"))
        ok(zkcli(target, "set", root + "/a", "2"))
        out, err = p.communicate(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(10)
    assert p.returncode == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    assert [(e["event"], e["path"]) for e in events] == [("NodeCreated", root + "/a"),
                                                         ("NodeDataChanged", root + "/a")]


@both()
def test_addwatch_removewatches(target, root):
    ok(zkcli(target, "create", root, "x"))
    p = script(target, ["addWatch %s" % root, "set %s y" % root, "get %s" % root,
                        "removewatches %s" % root, "removewatches %s" % root, "addWatch -m BOGUS %s" % root])
    assert p.stdout == "y\n"
    assert "type:NodeDataChanged path:%s" % root in p.stderr
    assert "NoWatcher: %s" % root in p.stderr
    assert p.returncode == 2
    ok(script(target, ["get -w %s" % root, "removewatches %s -d" % root, "stat -w %s" % root,
                       "removewatches %s -a -l" % root, "ls -w %s" % root, "removewatches %s -c" % root]))


@both()
def test_printwatches_matches_zkclish(target):
    cmds = ["printwatches off", "printwatches", "printwatches on", "printwatches"]
    assert zkcli_lines(target, cmds) == zksh(target, cmds)


@both()
def test_history_matches_zkclish(target):
    cmds = ["ls /zookeeper"] * 14 + ["history", "redo 3"]
    assert zkcli_lines(target, cmds) == zksh(target, cmds)


@both()
def test_history_redo_version_help_close_connect(target, root):
    out = ok(script(target, ["create %s" % root, "ls %s" % root, "create %s/a" % root, "history", "redo 1",
                             "close", "ls %s" % root, "connect %s" % target.hosts, "ls %s" % root, "version"]))
    assert out.splitlines() == ["Created %s" % root, "[]", "Created %s/a" % root,
                                "0 - create %s" % root, "1 - ls %s" % root, "2 - create %s/a" % root, "3 - history",
                                "[a]", "[a]", "[a]", out.splitlines()[-1]]
    assert re.match(r"^ZooKeeper CLI version: 3\.8\.0", out.splitlines()[-1])
    fails(script(target, ["redo 99"]), 2)
    help_text = ok(zkcli(target, "help"))
    for name in ("create", "get", "set", "delete", "deleteall", "ls", "stat", "getAcl", "setAcl", "addauth", "sync",
                 "addWatch", "removewatches", "config", "reconfig", "whoami", "getEphemerals",
                 "getAllChildrenNumber", "listquota", "setquota", "delquota", "printwatches", "connect", "close",
                 "history", "redo", "version", "help", "quit", "cd", "pwd", "tree", "find", "grep", "watch",
                 "unwatch", "cp", "mv", "export", "import", "4lw", "ensemble", "srvr", "mntr"):
        assert re.search(r"^\s+%s\b" % re.escape(name), help_text, re.M), name
    assert "ls [-s] [-w] [-R] [path]" in ok(zkcli(target, "help", "ls"))
    ok(script(target, ["ls %s" % root, "quit", "create %s/after" % root]), "[a]\n")
    fails(zkcli(target, "stat", root + "/after"), 1)


# ---- four-letter words and the ensemble view ---------------------------------------------------

@both()
def test_four_letter_words_and_ensemble(target):
    ok(zkcli(target, "4lw", "ruok"), "imok\n")
    ok(zkcli(target, "ruok"), "imok\n")
    ok(zkcli(target, "isro"), "rw\n")
    assert "Mode: standalone" in ok(zkcli(target, "srvr"))
    assert "Mode: standalone" in ok(zkcli(target, "4lw", "srvr", target.hosts))
    assert "zk_server_state\tstandalone" in ok(zkcli(target, "mntr"))
    assert "Clients:" in ok(zkcli(target, "4lw", "stat"))
    assert "imok" in ok(zkcli(target, "4lw", "-a", "ruok"))
    for word in ("conf", "cons", "envi", "wchs", "wchc", "wchp", "dump", "dirs", "crst", "srst"):
        ok(zkcli(target, "4lw", word))
        ok(zkcli(target, word))
    assert "clientPort=%s" % target.hosts.rsplit(":", 1)[1] in ok(zkcli(target, "conf"))
    fails(zkcli(target, "4lw", "bogus"), 2)
    table = ok(zkcli(target, "ensemble")).splitlines()
    assert table[0].split()[:4] == ["SERVER", "MODE", "ZXID", "EPOCH"]
    row = [line.split() for line in table[1:] if line.startswith(target.hosts)]
    assert row and row[0][1] == "standalone" and row[0][2].startswith("0x")


@both()
def test_four_letter_word_to_a_closed_port_fails(target):
    fails(zkcli(target, "4lw", "ruok", "127.0.0.1:%d" % free_port()), 3)


# ---- exit codes, stdout/stderr, JSON -----------------------------------------------------------

@both()
def test_exit_codes_and_streams(target, root):
    ok(zkcli(target, "ls", "/zookeeper"), "[config, quota]\n")
    fails(zkcli(target, "get", root), 1, "NoNode: %s" % root)
    fails(zkcli(target, "bogus"), 2)
    fails(zkcli(target, "get"), 2)
    fails(zkcli(target, "create", "-Z", root), 2)
    fails(zkcli(target, "setAcl", root, "nonsense"), 2)
    fails(zkcli(target, "get", "relative/but/missing"), 1)
    # scripts run every line and exit with the status of the last failing line
    p = script(target, ["get %s" % root, "bogus", "ls /zookeeper"])
    assert (p.returncode, p.stdout) == (2, "[config, quota]\n")
    p = script(target, ["bogus", "get %s" % root, "ls /zookeeper"])
    assert (p.returncode, p.stdout) == (1, "[config, quota]\n")
    assert p.stderr.splitlines()[-1] == "<stdin>:2: NoNode: %s" % root
    ok(script(target, ["", "ls /zookeeper", ""]), "[config, quota]\n")
    ok(zkcli(target, "-timeout", "5000", "ls", "/zookeeper"), "[config, quota]\n")


def test_connection_failure_exit_3():
    hosts = "127.0.0.1:%d" % free_port()
    t0 = time.time()
    p = zkcli(None, "-timeout", "1000", "ls", "/", hosts=hosts)
    fails(p, 3)
    p = zkcli(None, "-timeout", "1000", stdin=["ls /", "get /x", "ls /"], hosts=hosts)
    fails(p, 3)
    assert len(p.stderr.strip().splitlines()) == 1, "the script stops at the connection failure: %r" % p.stderr
    assert time.time() - t0 < 30


JSON_COMMANDS = [
    "create {r}/j data", "ls {r}", "ls -s {r}", "ls -R {r}", "get {r}/j", "get -s {r}/j", "get -b {r}/j",
    "get -x {r}/j", "set {r}/j v2", "set -s {r}/j v3", "stat {r}/j", "getAcl {r}/j", "getAcl -s {r}/j",
    "setAcl {r}/j world:anyone:cdrwa", "sync {r}", "getEphemerals {r}", "getAllChildrenNumber {r}", "whoami",
    "config", "setquota -n 4 {r}", "listquota {r}", "delquota {r}", "version", "help", "help ls", "history",
    "pwd", "tree {r}", "find {r}", "grep v3 {r}", "export {r}", "cp {r}/j {r}/k", "mv {r}/k {r}/m",
    "delete {r}/m", "4lw ruok", "srvr", "mntr", "conf", "isro", "ensemble", "create -s {r}/s", "deleteall {r}/j",
]


@both()
def test_json_output_parses(target, root):
    ok(zkcli(target, "create", root))
    for cmd in JSON_COMMANDS:
        p = zkcli(target, *cmd.format(r=root).split(), json_out=True)
        assert p.returncode == 0, (cmd, p.stderr)
        if p.stdout.strip():
            try:
                doc = json.loads(p.stdout)
            except ValueError as e:
                raise AssertionError("%s: not one JSON document (%s): %r" % (cmd, e, p.stdout))
            if isinstance(doc, dict) and isinstance(doc.get("stat"), dict):
                assert set(doc["stat"]) == STAT_FIELDS, (cmd, doc["stat"])
    doc = json.loads(ok(zkcli(target, "stat", root, json_out=True)))
    assert doc["stat"]["numChildren"] == 1 and doc["stat"]["ephemeralOwner"] == 0
    # errors: nothing on stdout, a JSON error naming the code on stderr
    p = zkcli(target, "get", root + "/none", json_out=True)
    fails(p, 1)
    err = json.loads(p.stderr)
    assert err["error"] == "NoNode" and err["path"] == root + "/none"
    # a script prints one document per command
    p = script(target, ["ls %s" % root, "get %s" % root, "stat %s" % root], json_out=True)
    dec, text, docs = json.JSONDecoder(), p.stdout, []
    i = 0
    while text[i:].strip():
        i += len(text[i:]) - len(text[i:].lstrip())
        d, i = dec.raw_decode(text, i)
        docs.append(d)
    assert len(docs) == 3 and len(docs[0]["children"]) == 1 and docs[0]["children"][0].startswith("s00")
    assert docs[1]["path"] == docs[2]["path"] == root


# ---- the same script gives the same results on both servers ------------------------------------

CROSS_ROOT = "/zkcli-same-on-both"
CROSS_SCRIPT = """
create {r}
cd {r}
create a alpha
create a/x 'Hello there'
create b beta
create -s b/seq- one
create -s b/seq- two
create -c cont
create cont/kid k
create -e eph e
pwd
ls
ls -R {r}
ls -s b
cd a
get x
get -s x
cd ..
set a ALPHA
set -s a ALPHA2
set -v 9 a nope
get -s a
stat b
getAcl a
setAcl a world:anyone:cdra
getAcl -s a
setAcl -v 0 a world:anyone:cdrwa
tree {r}
tree -d 1 -s {r}
find -n seq* {r}
find -e {r}
find -d 1 {r}
grep -i hello {r}
grep -l a {r}
cp {r}/a {r}/a2
tree {r}/a2
mv {r}/a2 {r}/a3
ls {r}
export {r}/a3
deleteall -b 2 {r}/a3
getAllChildrenNumber {r}
getEphemerals {r}
delete -v 5 {r}/b/seq-0000000000
delete {r}/b
delete {r}/none
create {r}/a
sync {r}
get -b a
get -x a
whoami
config
printwatches off
printwatches on
history
redo 10
version
bogus
get
deleteall {r}
ls {r}
"""


def normalise_run(p):
    def sub(text):
        text = re.sub(r"^(cZxid|mZxid|pZxid) = 0x[0-9a-f]+$", r"\1 = 0xZ", text, flags=re.M)
        text = re.sub(r"^([cm]time) = .*$", r"\1 = T", text, flags=re.M)
        text = re.sub(r"^ephemeralOwner = 0x[0-9a-f]*[1-9a-f][0-9a-f]*$", "ephemeralOwner = 0xS", text, flags=re.M)
        return text
    return p.returncode, sub(p.stdout), sub(p.stderr)


def test_same_script_same_results_on_both_servers(zk_servers):
    runs = {}
    for name in ("apache", "zkserver"):
        hosts = zk_servers.get(name)
        if hosts is None:
            pytest.skip("%s not available: %s" % (name, zk_servers.errors.get(name)))
        t = types.SimpleNamespace(name=name, hosts=hosts)
        wipe(t, CROSS_ROOT)
        try:
            runs[name] = normalise_run(zkcli(t, stdin=CROSS_SCRIPT.format(r=CROSS_ROOT).strip().splitlines()))
        finally:
            wipe(t, CROSS_ROOT)
    a, z = runs["apache"], runs["zkserver"]
    assert a[0] == 1  # the last failing line is `ls` of the deleted root
    assert "NoNode: %s/none" % CROSS_ROOT in a[2]
    assert a == z, "\n".join(
        "%s:\n--- apache\n%s\n--- zkserver\n%s" % (what, x, y)
        for what, x, y in zip(("exit", "stdout", "stderr"), a, z) if x != y)
