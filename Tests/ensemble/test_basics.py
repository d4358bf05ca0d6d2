"""A healthy ensemble: election, reads after sync on every server, what srvr/mntr/conf and
/zookeeper/config say, and an observer."""
import time

from ensemble_util import check_all_servers, connected_port, record_timing, wait_connected
from zkensemble import parse_mntr


def test_election_and_sync_reads(make_ensemble, clients):
    e = make_ensemble()
    n = len(e.servers)
    modes = e.modes()
    assert sorted(modes.values()) == sorted(["leader"] + ["follower"] * (n - 1)), modes
    leader = e.leader()
    # every server's srvr: Mode line, same Node count; the leader also has "Proposal sizes"
    for sid in e.servers:
        st = e.srvr(sid)
        assert st["Mode"] == ("leader" if sid == leader else "follower")
        assert ("Proposal sizes last/min/max" in st) == (sid == leader), st
        assert st["Node count"] == e.srvr(leader)["Node count"]

    follower = e.followers()[0]
    w = clients(e.servers[follower].hostport)
    w.create("/written-via-follower", b"hello")
    w.set("/written-via-follower", b"hello again")
    for sid in e.servers:
        zk = clients(e.servers[sid].hostport)
        zk.sync("/written-via-follower")
        data, stat = zk.get("/written-via-follower")
        assert data == b"hello again" and stat.version == 1, (sid, data, stat)
    # and without sync, a write is visible through the server it was made through at once
    w.create("/read-your-writes", b"x")
    assert w.get("/read-your-writes")[0] == b"x"


def test_mntr_conf_and_zookeeper_config(make_ensemble, clients):
    e = make_ensemble()
    n = len(e.servers)
    leader = e.leader()
    lm = parse_mntr(e.fourlw(leader, "mntr"))
    assert lm["zk_server_state"] == "leader"
    assert lm["zk_peer_state"] == "leading - broadcast"
    # Apache 3.8 counts learners as zk_learners (3.4's zk_followers is gone)
    assert "zk_followers" not in lm
    assert int(lm["zk_learners"]) == n - 1
    assert int(lm["zk_synced_followers"]) == n - 1
    assert int(lm["zk_synced_non_voting_followers"]) == 0
    assert int(lm["zk_synced_observers"]) == 0
    assert int(lm["zk_pending_syncs"]) == 0
    assert int(lm["zk_quorum_size"]) == n
    for sid in e.followers():
        fm = parse_mntr(e.fourlw(sid, "mntr"))
        assert fm["zk_server_state"] == "follower"
        assert fm["zk_peer_state"] == "following - broadcast"
        assert "zk_synced_followers" not in fm and "zk_learners" not in fm
        assert int(fm["zk_quorum_size"]) == n

    expected = "".join(e.server_line(s).replace(";", ":participant;", 1) + "\n"
                       for s in sorted(e.servers.values(), key=lambda s: s.sid)) + "version=0"
    for sid in e.servers:
        zk = clients(e.servers[sid].hostport)
        data, stat = zk.get("/zookeeper/config")
        assert data.decode() == expected, (sid, data)
        # Written at start as Apache's initConfigInZKDatabase does: version -1, mzxid the config's version
        # (0 when static), mtime the start; dataLength counts it.
        assert (stat.version, stat.mzxid, stat.data_length) == (-1, 0, len(data)), (sid, stat)
        assert abs(stat.mtime / 1000 - time.time()) < 600, (sid, stat)
        assert sorted(zk.get_children("/zookeeper")) == ["config", "quota"]
        conf = e.fourlw(sid, "conf")
        assert "serverId=%d\n" % sid in conf
        # conf ends with the membership (no newline after version=0)
        assert conf.rstrip("\n").endswith("membership: \n" + expected), conf

    # a follower dies: the leader's synced count drops, and comes back after the restart
    victim = e.followers()[0]
    e.kill(victim)
    end = time.time() + 20
    while time.time() < end and int(parse_mntr(e.fourlw(leader, "mntr"))["zk_synced_followers"]) != n - 2:
        time.sleep(0.1)
    assert int(parse_mntr(e.fourlw(leader, "mntr"))["zk_synced_followers"]) == n - 2
    e.start(victim)
    assert e.wait_server(victim, timeout=30) == "follower"
    end = time.time() + 20
    while time.time() < end and int(parse_mntr(e.fourlw(leader, "mntr"))["zk_synced_followers"]) != n - 1:
        time.sleep(0.1)
    assert int(parse_mntr(e.fourlw(leader, "mntr"))["zk_synced_followers"]) == n - 1


def test_observer_serves_and_is_expendable(make_ensemble, clients, write_load, request):
    e = make_ensemble(n=3, observers=1)
    obs = 4
    assert e.modes() == {**{sid: e.modes()[sid] for sid in (1, 2, 3)}, obs: "observer"}
    assert sorted(e.modes()[sid] for sid in (1, 2, 3)) == ["follower", "follower", "leader"]
    st = e.srvr(obs)
    assert st["Mode"] == "observer" and "Proposal sizes last/min/max" not in st
    om = parse_mntr(e.fourlw(obs, "mntr"))
    assert om["zk_server_state"] == "observer"
    assert om["zk_peer_state"] == "observing - broadcast"
    lm = parse_mntr(e.fourlw(e.leader(), "mntr"))
    assert int(lm["zk_learners"]) == 3
    assert int(lm["zk_synced_followers"]) == 2
    assert int(lm["zk_synced_observers"]) == 1
    assert int(lm["zk_quorum_size"]) == 3      # voters only

    cfg_line = e.server_line(e.servers[obs])
    assert ":observer;" in cfg_line
    ozk = clients(e.servers[obs].hostport)
    assert cfg_line + "\n" in ozk.get("/zookeeper/config")[0].decode() + "\n"

    # reads and (forwarded) writes through the observer
    ozk.create("/via-observer", b"o")
    pzk = clients(e.hosts([1, 2, 3]))
    pzk.sync("/via-observer")
    assert pzk.get("/via-observer")[0] == b"o"
    pzk.create("/via-participant", b"p")
    ozk.sync("/via-participant")
    assert ozk.get("/via-participant")[0] == b"p"

    # losing the observer changes nothing for the voters
    w = write_load(e.hosts([1, 2, 3]))
    w.wait_more(30)
    e.kill(obs)
    t0 = time.time()
    w.wait_more(50, timeout=10)
    record_timing(request, "50 writes after the observer's death", time.time() - t0)
    e.start(obs)
    assert e.wait_server(obs, timeout=30) == "observer"
    w.wait_more(30)
    w.stop()
    check_all_servers(e, w.acked)
    # a client that only knows the observer reconnects to it after its restart
    wait_connected(ozk, timeout=30)
    assert connected_port(ozk) == e.servers[obs].client_port
    assert ozk.exists("/via-observer") is not None
