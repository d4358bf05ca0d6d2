"""ACLs: world, digest, auth, ip schemes; NoAuth, InvalidACL, super digest (super:test)."""
from kazoo.security import (ACL, Id, Permissions, make_digest_acl, make_acl,
                            OPEN_ACL_UNSAFE, READ_ACL_UNSAFE, CREATOR_ALL_ACL)


def test_scenario(scenario, compare):
    compare(scenario)


def scn_acl_digest_auth(ctx):
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    r = {}
    alice = make_digest_acl("alice", "secret", all=True)
    r["create_digest"] = ctx.call(zk.create, b + "/d", b"data", acl=[alice])
    r["get_noauth"] = ctx.call(zk.get, b + "/d")
    r["exists_noauth"] = ctx.call(zk.exists, b + "/d")           # exists needs no permission
    r["children_noauth"] = ctx.call(zk.get_children, b + "/d")
    r["set_noauth"] = ctx.call(zk.set, b + "/d", b"x")
    r["create_child_noauth"] = ctx.call(zk.create, b + "/d/c")
    r["get_acls_noauth"] = ctx.call(zk.get_acls, b + "/d")      # getACL: READ|ADMIN needed in 3.8?
    a = ctx.new_client(auth_data=[("digest", "alice:secret")])
    r["get_auth"] = ctx.call(a.get, b + "/d")
    r["set_auth"] = ctx.call(a.set, b + "/d", b"y")
    r["acls"] = ctx.call(a.get_acls, b + "/d")
    wrong = ctx.new_client(auth_data=[("digest", "alice:wrong")])
    r["get_wrong"] = ctx.call(wrong.get, b + "/d")
    # "auth" scheme: expands to the creator's authenticated ids
    r["create_auth_acl"] = ctx.call(a.create, b + "/a", b"", acl=CREATOR_ALL_ACL)
    r["auth_acl_expanded"] = ctx.call(a.get_acls, b + "/a")
    r["create_auth_acl_unauthenticated"] = ctx.call(zk.create, b + "/u", b"", acl=CREATOR_ALL_ACL)
    # read-only world
    r["create_ro"] = ctx.call(zk.create, b + "/ro", b"r", acl=READ_ACL_UNSAFE)
    r["set_ro"] = ctx.call(zk.set, b + "/ro", b"x")
    r["delete_ro_child_missing"] = ctx.call(zk.delete, b + "/ro/x")
    r["create_under_ro"] = ctx.call(zk.create, b + "/ro/x")
    # delete needs DELETE on the parent only
    r["create_nodelete_parent"] = ctx.call(
        zk.create, b + "/nd", acl=[make_acl("world", "anyone", read=True, create=True)])
    r["create_child_nd"] = ctx.call(zk.create, b + "/nd/c", acl=[make_acl("world", "anyone", read=True)])
    r["delete_child_nd"] = ctx.call(zk.delete, b + "/nd/c")
    # set_acls
    r["set_acls_badversion"] = ctx.call(a.set_acls, b + "/d", [alice], version=5)
    r["set_acls"] = ctx.call(a.set_acls, b + "/d", OPEN_ACL_UNSAFE, version=0)
    r["get_after_open"] = ctx.call(zk.get, b + "/d")
    r["set_acls_noadmin"] = ctx.call(zk.set_acls, b + "/ro", OPEN_ACL_UNSAFE)
    return r


def scn_acl_invalid(ctx):
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    r = {}
    r["empty_acl_list"] = ctx.call(zk.create, b + "/e", acl=[])
    r["bad_scheme"] = ctx.call(zk.create, b + "/s", acl=[ACL(Permissions.ALL, Id("nosuch", "x"))])
    r["digest_no_colon"] = ctx.call(zk.create, b + "/d", acl=[ACL(Permissions.ALL, Id("digest", "alice"))])
    r["ip_bad"] = ctx.call(zk.create, b + "/i", acl=[ACL(Permissions.ALL, Id("ip", "not-an-ip"))])
    r["ip_bad_mask"] = ctx.call(zk.create, b + "/m", acl=[ACL(Permissions.ALL, Id("ip", "127.0.0.1/99"))])
    r["world_other_id"] = ctx.call(zk.create, b + "/w", acl=[ACL(Permissions.ALL, Id("world", "nobody"))])
    r["perms_zero"] = ctx.call(zk.create, b + "/z", acl=[ACL(0, Id("world", "anyone"))])
    r["perms_zero_get"] = ctx.call(zk.get, b + "/z")
    r["set_acls_empty"] = ctx.call(zk.set_acls, b, [])
    r["children"] = sorted(zk.get_children(b))
    return r


def scn_acl_ip(ctx):
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    r = {}
    r["ip_local"] = ctx.call(zk.create, b + "/l", b"l", acl=[ACL(Permissions.ALL, Id("ip", "127.0.0.1"))])
    r["get_local"] = ctx.call(zk.get, b + "/l")
    r["ip_mask"] = ctx.call(zk.create, b + "/m", b"m", acl=[ACL(Permissions.ALL, Id("ip", "127.0.0.0/8"))])
    r["get_mask"] = ctx.call(zk.get, b + "/m")
    r["ip_other"] = ctx.call(zk.create, b + "/o", b"o", acl=[ACL(Permissions.ALL, Id("ip", "10.1.2.3"))])
    r["get_other"] = ctx.call(zk.get, b + "/o")
    r["acls_other"] = ctx.call(zk.get_acls, b + "/o")
    return r


def scn_super_digest(ctx):
    zk, b = ctx.zk, ctx.base
    zk.create(b)
    zk.create(b + "/secret", b"s", acl=[make_digest_acl("bob", "pw", all=True)])
    sup = ctx.new_client(auth_data=[("digest", "super:test")])
    r = {}
    r["noauth"] = ctx.call(zk.get, b + "/secret")
    r["super_get"] = ctx.call(sup.get, b + "/secret")
    r["super_set"] = ctx.call(sup.set, b + "/secret", b"t")
    r["super_acls"] = ctx.call(sup.get_acls, b + "/secret")
    r["super_delete"] = ctx.call(sup.delete, b + "/secret")
    bad = ctx.new_client(auth_data=[("digest", "super:wrong")])
    r["bad_super"] = ctx.call(bad.get, b)
    return r


def scn_add_auth_bad_scheme(ctx):
    c = ctx.new_client()
    r = {}
    r["unknown_scheme"] = ctx.call(c.add_auth, "nosuch", "x")
    r["state_after"] = str(c.state)
    r["client_still_works"] = ctx.call(lambda: c.exists("/") is not None)
    return r
