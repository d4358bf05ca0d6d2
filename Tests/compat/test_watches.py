"""Data/exists/child watches: which events fire, in which order, one-shot semantics."""


def test_scenario(scenario, compare):
    compare(scenario)


def scn_watch_events(ctx):
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    ev = []
    r = {}
    # exists watch on a missing node fires NodeCreated
    r["exists_missing"] = ctx.call(zk.exists, b + "/n", watch=ctx.watcher(ev))
    zk.create(b + "/n", b"1")
    ctx.flush()
    r["after_create"] = list(ev)
    # data watch (get) + exists watch on same node: one NodeDataChanged each registration
    ev.clear()
    zk.get(b + "/n", watch=ctx.watcher(ev))
    zk.exists(b + "/n", watch=ctx.watcher(ev))
    zk.set(b + "/n", b"2")
    zk.set(b + "/n", b"3")      # one-shot: no second event
    ctx.flush()
    r["after_set"] = list(ev)
    # child watch: NodeChildrenChanged on create and on delete of a child
    ev.clear()
    zk.get_children(b, watch=ctx.watcher(ev))
    zk.create(b + "/c1")
    zk.create(b + "/c2")
    ctx.flush()
    r["child_create"] = list(ev)
    ev.clear()
    zk.get_children(b, watch=ctx.watcher(ev))
    zk.set(b + "/c1", b"x")     # data change of a child: no child event
    zk.delete(b + "/c1")
    ctx.flush()
    r["child_delete"] = list(ev)
    # deleting a watched node: data watch -> NodeDeleted, child watch -> NodeDeleted
    ev.clear()
    zk.get(b + "/c2", watch=ctx.watcher(ev))
    zk.get_children(b + "/c2", watch=ctx.watcher(ev))
    zk.delete(b + "/c2")
    ctx.flush()
    r["delete_watched"] = list(ev)
    # exists watch on missing node, node created then deleted by another session
    ev.clear()
    other = ctx.new_client()
    zk.exists(b + "/o", watch=ctx.watcher(ev))
    other.create(b + "/o")
    other.delete(b + "/o")
    ctx.flush(other)
    ctx.flush()
    r["other_session"] = list(ev)
    # get on missing node sets no watch (NoNode) -> creating it fires nothing
    ev.clear()
    r["get_missing"] = ctx.call(zk.get, b + "/m", watch=ctx.watcher(ev))
    zk.create(b + "/m")
    ctx.flush()
    r["after_get_missing"] = list(ev)
    return r


def scn_watch_order_across_paths(ctx):
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    zk.create(b + "/a")
    ev = []
    zk.get_children(b, watch=ctx.watcher(ev))
    zk.get(b + "/a", watch=ctx.watcher(ev))
    zk.exists(b + "/b", watch=ctx.watcher(ev))
    other = ctx.new_client()
    t = other.transaction()
    t.delete(b + "/a")
    t.create(b + "/b")
    t.commit()
    ctx.flush()
    return ev


def scn_wchs_counts(ctx):
    from compat_util import four_letter
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    zk.create(b + "/x")
    w = lambda e: None
    zk.get(b + "/x", watch=w)
    zk.exists(b + "/y", watch=w)
    zk.get_children(b, watch=w)
    wchp = four_letter(ctx.hosts, "wchp")
    mine = [l for l in wchp.splitlines() if l.startswith(b)]
    return {"wchp_paths": sorted(mine)}
