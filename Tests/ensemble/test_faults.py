"""Servers die (SIGKILL), hang (SIGSTOP) or lose their quorum while several clients write;
no acknowledged write may be lost and the servers must end up identical."""
import time

import pytest
from kazoo.client import KazooClient
from kazoo.handlers.threading import KazooTimeoutError

from ensemble_util import finish_and_check, record_timing, wait_not_serving
from zkensemble import NOT_SERVING


def kill_leader_under_load(e, w, request, also=0):
    """SIGKILL the leader (and `also` followers) while w writes; returns (old leader, killed,
    new leader) once a new leader serves writes."""
    w.wait_more(50)
    old = e.leader()
    assert old is not None, e.describe()
    victims = [old] + e.followers()[:also]
    t0 = time.time()
    for sid in victims:
        e.kill(sid)
    survivors = [sid for sid in e.servers if sid not in victims]
    new, t_leader = e.wait_new_leader(old, sids=survivors, timeout=30)
    t_write = w.first_ack_started_after(t0, timeout=30)
    record_timing(request, "kill -9 leader -> srvr shows new leader", t_leader)
    record_timing(request, "kill -9 leader -> first acknowledged write", t_write)
    w.wait_more(50)
    return old, victims, new


def test_leader_killed_under_load(make_ensemble, write_load, request):
    e = make_ensemble()
    w = write_load(e.hosts())
    old, victims, new = kill_leader_under_load(e, w, request)
    assert new != old
    t0 = time.time()
    e.start(old)
    assert e.wait_server(old, timeout=60) == "follower"
    record_timing(request, "restarted old leader -> follower", time.time() - t0)
    st = finish_and_check(e, w, leader=new)
    print("acknowledged %d creates, %d failed (%s); zxid %s"
          % (len(w.acked), w.failures, w.errors, st[new]["Zxid"]))


def test_follower_killed_under_load(make_ensemble, write_load, request):
    e = make_ensemble()
    w = write_load(e.hosts())
    w.wait_more(50)
    leader = e.leader()
    victim = e.followers()[0]
    t0 = time.time()
    e.kill(victim)
    w.wait_more(100, timeout=15)       # writes go on without it
    record_timing(request, "100 writes after a follower's kill -9", time.time() - t0)
    assert e.leader() == leader        # no election
    w.wait_more(200, timeout=20)       # the follower falls behind by a few hundred txns
    t0 = time.time()
    e.start(victim)
    assert e.wait_server(victim, timeout=60) == "follower"
    record_timing(request, "restarted follower -> follower", time.time() - t0)
    finish_and_check(e, w, leader=leader)


def test_leader_stopped_longer_than_sync_limit(make_ensemble, write_load, request):
    e = make_ensemble()
    w = write_load(e.hosts())
    w.wait_more(50)
    old = e.leader()
    others = [sid for sid in e.servers if sid != old]
    limit = e.sync_limit * e.tick_time / 1000.0
    t0 = time.time()
    e.pause(old)
    new, t_leader = e.wait_new_leader(old, sids=others, timeout=30)
    record_timing(request, "SIGSTOP leader -> srvr shows new leader", t_leader)
    t_write = w.first_ack_started_after(t0, timeout=30)
    record_timing(request, "SIGSTOP leader -> first acknowledged write", t_write)
    assert t_leader >= limit * 0.8, "new leader after %.2fs, before syncLimit*tickTime" % t_leader
    w.wait_more(50)
    # stopped for twice syncLimit*tickTime at least
    time.sleep(max(0.0, 2 * limit - (time.time() - t0)))
    e.resume(old)
    t1 = time.time()
    assert e.wait_server(old, modes=("follower",), timeout=30) == "follower"
    record_timing(request, "SIGCONT old leader -> follower", time.time() - t1)
    finish_and_check(e, w, leader=new)


def test_minority_stops_serving(make_ensemble, write_load, request):
    e = make_ensemble()
    n = len(e.servers)
    w = write_load(e.hosts())
    w.wait_more(50)
    leader = e.leader()
    victims = [leader] + e.followers()[:n - n // 2 - 1]     # a majority, the leader among them
    survivors = [sid for sid in e.servers if sid not in victims]
    for sid in victims:
        e.kill(sid)
    # the survivors stop serving: srvr answers one line
    wait_not_serving(e, survivors)
    for s in survivors:
        assert e.fourlw(s, "stat") == NOT_SERVING + "\n"
        assert e.fourlw(s, "ruok") == "imok"
    before = w.count()
    t_quiet = time.time()
    # a new client cannot even open a session on a survivor
    zk = KazooClient(hosts=e.hosts(survivors), timeout=4.0)
    with pytest.raises(KazooTimeoutError):
        zk.start(timeout=4)
    zk.stop()
    zk.close()
    time.sleep(max(0.0, 3 - (time.time() - t_quiet)))
    assert w.count() == before, "writes acknowledged without a quorum"
    assert w.failures > 0
    print("errors of the writers without quorum: %s" % w.errors)
    # the majority comes back: service resumes
    t0 = time.time()
    for sid in victims:
        e.start(sid)
    e.wait_serving(timeout=60)
    record_timing(request, "restart of the majority -> serving", time.time() - t0)
    t_write = w.first_ack_started_after(t0, timeout=40)
    record_timing(request, "restart of the majority -> first acknowledged write", t_write)
    finish_and_check(e, w)


def test_five_servers_lose_two_including_leader(make_ensemble, write_load, request):
    e = make_ensemble(n=5)
    w = write_load(e.hosts(), nclients=5)
    old, victims, new = kill_leader_under_load(e, w, request, also=1)
    assert len([sid for sid in e.servers if e.alive(sid)]) == 3
    w.wait_more(100)
    t0 = time.time()
    for sid in victims:
        e.start(sid)
    for sid in victims:
        assert e.wait_server(sid, timeout=60) == "follower"
    record_timing(request, "restart of 2 of 5 -> followers", time.time() - t0)
    finish_and_check(e, w, leader=new)
