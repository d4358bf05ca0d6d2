"""Apache ZooKeeper 3.8.0 reads what zkserver writes to disk. zkserver builds a tree (nested names
that sort oddly, several ACLs, versions, a sequential node, deletes, an ephemeral) with snapCount low
enough for several snapshots, then stops. Apache and a fresh zkserver each start on a copy of
(1) the newest snapshot alone and (2) the whole data dir (snapshots and logs); in each case both
must serve the same tree, node for node: data, ACLs and every Stat field."""
import glob
import os
import shutil

import pytest
from kazoo.client import KazooClient
from kazoo.security import make_digest_acl, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE

from conftest import Servers, _diff

NAMES = ["a", "a-x", "a.b", "ab", "a/b", "a/b/c", "a/b-", "a-x/y", "a/b/c/d", "z"]


def build_tree(hosts):
    zk = KazooClient(hosts=hosts, timeout=30)
    zk.start(timeout=30)
    zk.add_auth("digest", "alice:pw")
    zk.create("/dd", b"root of the data-dir test")
    secret = make_digest_acl("alice", "pw", all=True)
    for round_ in range(6):
        for i, name in enumerate(NAMES):
            path = "/dd/r%d/%s" % (round_, name)
            acl = [list(OPEN_ACL_UNSAFE), list(READ_ACL_UNSAFE) + [secret], [secret]][i % 3]
            zk.create(path, ("%s data" % name).encode(), acl=acl, makepath=True)
        for v in range(5):
            zk.set("/dd/r%d/z" % round_, b"version %d" % v)
        zk.create("/dd/r%d/seq-" % round_, b"", sequence=True)
        zk.delete("/dd/r%d/a/b/c/d" % round_)
    zk.set_acls("/dd/r0/a", list(READ_ACL_UNSAFE) + [secret])
    zk.create("/dd/ephemeral", b"", ephemeral=True)
    return zk  # left open: its session and ephemeral are in the snapshots


def dump(hosts):
    zk = KazooClient(hosts=hosts, timeout=30)
    zk.start(timeout=30)
    zk.add_auth("digest", "alice:pw")
    try:
        out, stack = {}, ["/dd"]
        while stack:
            path = stack.pop()
            data, stat = zk.get(path)
            acl, _ = zk.get_acls(path)
            out[path] = {"data": data.decode("latin-1"), "acl": sorted(str(a) for a in acl),
                         "stat": list(stat)}
            stack.extend("%s/%s" % (path, c) for c in zk.get_children(path))
        return out
    finally:
        zk.stop()
        zk.close()


def copy_data(src_version_dir, dest_dir, snapshot_only):
    dest = os.path.join(dest_dir, "data", "version-2")
    os.makedirs(dest)
    snapshots = sorted(glob.glob(os.path.join(src_version_dir, "snapshot.*")),
                       key=lambda p: int(p.rsplit(".", 1)[1], 16))
    assert len(snapshots) >= 2, "expected several snapshots, found %s" % snapshots
    files = [snapshots[-1]] if snapshot_only else glob.glob(os.path.join(src_version_dir, "*"))
    for f in files:
        shutil.copy(f, dest)


@pytest.fixture
def written_data_dir():
    s = Servers()
    if not s.have_zkserver():
        s.close()
        pytest.skip("zkserver not available (%s)" % s.zkserver_bin)
    try:
        hosts = s.start_zkserver("writer", extra=["snapCount=40"])
        writer = build_tree(hosts)
        expected = dump(hosts)
        s.close_zkservers()           # as a crash would: the writer's session is never closed
        writer.stop()
        writer.close()
        yield s, os.path.join(s.tmp, "writer", "data", "version-2"), expected
    finally:
        s.close()


@pytest.mark.parametrize("snapshot_only", [True, False], ids=["newest-snapshot", "whole-data-dir"])
def test_apache_serves_the_tree_zkserver_wrote(written_data_dir, snapshot_only):
    s, version_dir, expected = written_data_dir
    kind = "snap" if snapshot_only else "all"
    copy_data(version_dir, os.path.join(s.tmp, "apache-" + kind), snapshot_only)
    copy_data(version_dir, os.path.join(s.tmp, "zkserver-" + kind), snapshot_only)
    apache = dump(s.start_apache("apache-" + kind))
    ours = dump(s.start_zkserver("zkserver-" + kind))
    assert len(apache) > 50 and "/dd/ephemeral" in expected
    assert ours == apache, "zkserver and Apache serve different trees:\n" + _diff(apache, ours)
    if not snapshot_only:
        assert apache == expected, "the whole data dir lost something:\n" + _diff(expected, apache)
