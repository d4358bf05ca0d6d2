"""create/get/set/delete, versions, errors, sequential and ephemeral nodes, invalid paths."""
from kazoo.security import OPEN_ACL_UNSAFE

from compat_util import RawCreate, RawGetData


def test_scenario(scenario, compare):
    compare(scenario)


def scn_create_get_set_delete(ctx):
    zk, b = ctx.zk, ctx.base
    r = {}
    r["create"] = ctx.call(zk.create, b, b"root")
    r["create_child"] = ctx.call(zk.create, b + "/a", b"hello")
    r["create2"] = ctx.call(zk.create, b + "/b", b"", include_data=True)
    r["create_exists"] = ctx.call(zk.create, b + "/a", b"x")
    r["create_noparent"] = ctx.call(zk.create, b + "/nope/x", b"x")
    r["get"] = ctx.call(zk.get, b + "/a")
    r["get_nonode"] = ctx.call(zk.get, b + "/zz")
    r["exists"] = ctx.call(zk.exists, b + "/a")
    r["exists_none"] = ctx.call(zk.exists, b + "/zz")
    r["set_v0"] = ctx.call(zk.set, b + "/a", b"world", version=0)
    r["set_badversion"] = ctx.call(zk.set, b + "/a", b"again", version=0)
    r["set_any"] = ctx.call(zk.set, b + "/a", b"again", version=-1)
    r["set_nonode"] = ctx.call(zk.set, b + "/zz", b"x")
    r["get2"] = ctx.call(zk.get, b + "/a")
    r["parent"] = ctx.call(zk.get, b)
    # Apache lists children in HashSet order, which is no contract: compare them sorted.
    r["children"] = ctx.call(lambda: sorted(zk.get_children(b)))
    r["children_stat"] = ctx.call(lambda: (lambda c, s: (sorted(c), s))(*zk.get_children(b, include_data=True)))
    r["children_nonode"] = ctx.call(zk.get_children, b + "/zz")
    r["delete_notempty"] = ctx.call(zk.delete, b)
    r["delete_badversion"] = ctx.call(zk.delete, b + "/a", version=5)
    r["delete_v2"] = ctx.call(zk.delete, b + "/a", version=2)
    r["delete_nonode"] = ctx.call(zk.delete, b + "/a")
    r["parent_after"] = ctx.call(zk.get, b)
    r["empty_data"] = ctx.call(zk.get, b + "/b")
    r["big_data"] = ctx.call(lambda: zk.create(b + "/big", b"x" * 100000) and zk.get(b + "/big")[1])
    r["none_data"] = ctx.call(lambda: ctx.raw(RawCreate(b + "/null", None, OPEN_ACL_UNSAFE, 0)) and zk.get(b + "/null"))
    r["set_version_wrap"] = ctx.call(zk.set, b + "/b", b"q", version=-2)
    return r


def scn_sequential(ctx):
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    r = []
    r.append(ctx.call(zk.create, b + "/s-", sequence=True))
    r.append(ctx.call(zk.create, b + "/s-", sequence=True))
    r.append(ctx.call(zk.create, b + "/plain"))
    r.append(ctx.call(zk.create, b + "/", sequence=True))           # name is just the counter
    r.append(ctx.call(zk.create, b + "/s-", ephemeral=True, sequence=True))
    r.append(ctx.call(zk.delete, b + "/plain"))
    r.append(ctx.call(zk.create, b + "/s-", sequence=True))         # counter from cversion (after delete)
    r.append(ctx.call(zk.create, b + "/x/y-", sequence=True))      # NoNode
    r.append(ctx.call(zk.get, b))
    r.append(ctx.call(sorted, zk.get_children(b)))
    # sequential under a fresh parent whose cversion was bumped by deletes
    zk.create(b + "/p")
    for i in range(3):
        zk.create(b + "/p/c%d" % i)
    for i in range(3):
        zk.delete(b + "/p/c%d" % i)
    r.append(ctx.call(zk.create, b + "/p/n", sequence=True))
    return r


def scn_ephemeral(ctx):
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    other = ctx.new_client()
    r = {}
    r["create"] = ctx.call(other.create, b + "/e", b"eph", ephemeral=True)
    r["stat"] = ctx.call(zk.exists, b + "/e")
    r["child_of_ephemeral"] = ctx.call(other.create, b + "/e/child")
    r["seq_child_of_ephemeral"] = ctx.call(other.create, b + "/e/child", sequence=True)
    r["other_session_sees"] = ctx.call(zk.get, b + "/e")
    events = []
    zk.exists(b + "/e", watch=ctx.watcher(events))
    other.stop()
    ctx.flush()
    import time
    deadline = time.time() + 5
    while not events and time.time() < deadline:
        time.sleep(0.05)
    r["after_close"] = ctx.call(zk.exists, b + "/e")
    r["events"] = events
    r["parent"] = ctx.call(zk.get, b)
    # delete own ephemeral explicitly
    zk.create(b + "/mine", ephemeral=True)
    r["delete_own"] = ctx.call(zk.delete, b + "/mine")
    return r


def scn_invalid_paths(ctx):
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    acl = OPEN_ACL_UNSAFE
    paths = [b + "/", b + "//x", b + "/./x", b + "/../x", b + "/.", b + "/..",
             "relative", "", b + "/a\x00b", b + "/nope/.", b + "/nope/x/", b + "/ok.", b + "/.ok",
             b + "/..." ]
    r = {}
    for p in paths:
        r["create " + repr(p)] = ctx.rawcall(RawCreate(p, b"", acl, 0))
        r["get " + repr(p)] = ctx.rawcall(RawGetData(p))
    r["create seq trailing slash"] = ctx.rawcall(RawCreate(b + "/", b"", acl, 2))
    r["children"] = ctx.call(sorted, zk.get_children(b))
    return r


def scn_root_and_zookeeper(ctx):
    zk = ctx.zk
    r = {}
    r["ls_zookeeper"] = ctx.call(sorted, zk.get_children("/zookeeper"))
    r["get_zookeeper"] = ctx.call(zk.get, "/zookeeper")
    r["get_quota"] = ctx.call(zk.get, "/zookeeper/quota")
    r["get_config"] = ctx.call(zk.get, "/zookeeper/config")
    r["acl_config"] = ctx.call(zk.get_acls, "/zookeeper/config")
    r["create_under_zookeeper"] = ctx.call(zk.create, "/zookeeper/x")
    r["create_under_quota"] = ctx.call(zk.create, "/zookeeper/quota/x")
    r["set_zookeeper"] = ctx.call(zk.set, "/zookeeper", b"x")
    r["delete_zookeeper"] = ctx.call(zk.delete, "/zookeeper")
    r["delete_quota"] = ctx.call(zk.delete, "/zookeeper/quota")
    r["delete_config"] = ctx.call(zk.delete, "/zookeeper/config")
    r["delete_root"] = ctx.call(zk.delete, "/")
    r["create_root"] = ctx.call(zk.create, "/")
    r["set_root"] = ctx.call(lambda: zk.set("/", b"") and True)
    r["root_has_zookeeper"] = ctx.call(lambda: "zookeeper" in zk.get_children("/"))
    r["sync"] = ctx.call(zk.sync, "/")
    zk.delete("/zookeeper/x")
    zk.delete("/zookeeper/quota/x")
    return r
