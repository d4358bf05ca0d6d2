"""multi (transactions): success results and per-op errors on failure."""


def test_scenario(scenario, compare):
    compare(scenario)


def scn_multi_success(ctx):
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    t = zk.transaction()
    t.create(b + "/a", b"1")
    t.create(b + "/s-", b"", sequence=True)
    t.set_data(b + "/a", b"2")
    t.check(b + "/a", 1)
    t.delete(b + "/a")
    res = t.commit()
    return {"results": ctx.norm(res), "children": sorted(zk.get_children(b)),
            "parent": ctx.norm(zk.get(b))}


def scn_multi_failures(ctx):
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    zk.create(b + "/x", b"x")
    r = {}
    for name, ops in {
        "nonode_middle": [("create", b + "/a"), ("delete", b + "/missing"), ("create", b + "/c")],
        "badversion_check": [("create", b + "/a"), ("check", b + "/x", 7), ("set", b + "/x", b"y")],
        "nodeexists_first": [("create", b + "/x"), ("create", b + "/a"), ("delete", b + "/x")],
        "notempty": [("create", b + "/x/k"), ("delete", b + "/x")],
        "set_badversion_last": [("set", b + "/x", b"z", 0), ("set", b + "/x", b"z", 0)],
        "create_then_dup": [("create", b + "/d"), ("create", b + "/d")],
        "check_nonode": [("check", b + "/none", 0)],
    }.items():
        t = zk.transaction()
        for op in ops:
            if op[0] == "create":
                t.create(op[1])
            elif op[0] == "delete":
                t.delete(op[1])
            elif op[0] == "check":
                t.check(op[1], op[2])
            elif op[0] == "set":
                t.set_data(op[1], op[2], *(op[3:]))
        r[name] = ctx.call(t.commit)
    r["children_after"] = sorted(zk.get_children(b))
    r["x_after"] = ctx.norm(zk.get(b + "/x"))
    r["empty"] = ctx.call(zk.transaction().commit)
    return r
