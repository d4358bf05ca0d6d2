"""Containers, TTL nodes, getEphemerals, getAllChildrenNumber (raw requests kazoo lacks)."""
from kazoo.security import OPEN_ACL_UNSAFE

from compat_util import (CreateContainer, CreateTTL, RawCreate, RawCreate2,
                         GetEphemerals, GetAllChildrenNumber)

A = OPEN_ACL_UNSAFE


def test_scenario(scenario, compare):
    compare(scenario)


def scn_container_and_ttl(ctx):
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    r = {}
    r["container"] = ctx.rawcall(CreateContainer(b + "/c", b"c", A, 4))
    r["container_stat"] = ctx.call(zk.exists, b + "/c")   # ephemeralOwner of a container
    r["container_flag_via_create"] = ctx.rawcall(RawCreate(b + "/c2", b"", A, 4))
    r["container_flag_via_create2"] = ctx.rawcall(RawCreate2(b + "/c3", b"", A, 4))
    r["container_child"] = ctx.call(zk.create, b + "/c/kid")
    r["container_wrong_flags"] = ctx.rawcall(CreateContainer(b + "/c4", b"", A, 0))
    r["ttl"] = ctx.rawcall(CreateTTL(b + "/t", b"t", A, 5, 60000))
    r["ttl_stat"] = ctx.call(zk.exists, b + "/t")         # ephemeralOwner encodes the TTL
    r["ttl_seq"] = ctx.rawcall(CreateTTL(b + "/ts-", b"", A, 6, 60000))
    r["ttl_zero"] = ctx.rawcall(CreateTTL(b + "/t0", b"", A, 5, 0))
    r["ttl_negative"] = ctx.rawcall(CreateTTL(b + "/tn", b"", A, 5, -1))
    r["ttl_huge"] = ctx.rawcall(CreateTTL(b + "/th", b"", A, 5, 1 << 41))
    r["ttl_wrong_mode"] = ctx.rawcall(CreateTTL(b + "/tw", b"", A, 0, 1000))
    r["ttl_flag_via_create"] = ctx.rawcall(RawCreate(b + "/tc", b"", A, 5))
    r["bad_flags"] = ctx.rawcall(RawCreate(b + "/bf", b"", A, 99))
    r["ephemeral_seq_flag3"] = ctx.rawcall(RawCreate(b + "/es-", b"", A, 3))
    r["children"] = ctx.call(sorted, zk.get_children(b))
    return r


def scn_container_flag_needs_the_container_opcode(ctx):
    # Apache makes a container only for createContainer (19): create (1) and create2 (15) with the
    # container flag store a plain node, so it outlives its last child (clients that make parents this
    # way would otherwise lose them once they empty).
    import time
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    r = {"made": [ctx.rawcall(CreateContainer(b + "/by19", b"", A, 4)),
                  ctx.rawcall(RawCreate(b + "/by1", b"", A, 4)),
                  ctx.rawcall(RawCreate2(b + "/by15", b"", A, 4))]}
    for name in ("by19", "by1", "by15"):
        zk.create(b + "/" + name + "/kid")
        zk.delete(b + "/" + name + "/kid")
    deadline = time.time() + 10
    while time.time() < deadline and zk.exists(b + "/by19") is not None:
        time.sleep(0.05)
    time.sleep(0.5)  # a few more reaper runs
    r["left"] = ctx.call(sorted, zk.get_children(b))
    r["owners"] = [zk.exists(b + "/" + name).ephemeralOwner for name in ("by1", "by15")]
    return r


def scn_get_ephemerals_and_count(ctx):
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    zk.create(b + "/p/q", makepath=True)
    zk.create(b + "/p/e1", ephemeral=True)
    zk.create(b + "/p/q/e2", ephemeral=True)
    zk.create(b + "/e3", ephemeral=True)
    other = ctx.new_client()
    other.create(b + "/oe", ephemeral=True)
    r = {}

    def ephemerals(prefix, **kw):
        # Apache answers in HashSet order, which is no contract: compare sorted.
        status, value = ctx.rawcall(GetEphemerals(prefix), **kw)
        return [status, sorted(value) if status == "ok" else value]
    r["eph_prefix"] = ephemerals(b)
    r["eph_sub"] = ephemerals(b + "/p")
    r["eph_partial_name"] = ephemerals(b + "/p/e")
    r["eph_other"] = ephemerals(b, client=other)
    r["count"] = ctx.rawcall(GetAllChildrenNumber(b))
    r["count_leaf"] = ctx.rawcall(GetAllChildrenNumber(b + "/e3"))
    r["count_missing"] = ctx.rawcall(GetAllChildrenNumber(b + "/zz"))
    r["count_zookeeper"] = ctx.rawcall(GetAllChildrenNumber("/zookeeper"))
    return r
