"""Network partitions between peers, made by faultproxy.PeerProxy (client connections are not
proxied: clients still reach every server)."""
import time

from ensemble_util import finish_and_check, is_not_serving, record_timing, wait_not_serving


def test_isolated_leader(make_ensemble, write_load, request):
    e = make_ensemble(proxy=True)
    w = write_load(e.hosts())
    w.wait_more(50)
    old = e.leader()
    others = [sid for sid in sorted(e.servers) if sid != old]
    t0 = time.time()
    e.proxy.isolate(old)            # blackhole: no resets, only silence
    new, t_leader = e.wait_new_leader(old, sids=others, timeout=30)
    record_timing(request, "leader isolated -> srvr shows new leader", t_leader)
    wait_not_serving(e, [old])      # the cut-off leader gives up and stays LOOKING
    record_timing(request, "leader isolated -> old leader not serving", time.time() - t0)
    t_write = w.first_ack_started_after(t0, timeout=30)
    record_timing(request, "leader isolated -> first acknowledged write", t_write)
    w.wait_more(100)
    assert is_not_serving(e, old)
    t1 = time.time()
    e.proxy.heal()
    assert e.wait_server(old, modes=("follower",), timeout=30) == "follower"
    record_timing(request, "healed -> old leader follows", time.time() - t1)
    finish_and_check(e, w, leader=new)


def test_isolated_follower(make_ensemble, write_load, request):
    e = make_ensemble(proxy=True)
    w = write_load(e.hosts())
    w.wait_more(50)
    leader = e.leader()
    f = e.followers()[0]
    t0 = time.time()
    e.proxy.isolate(f)
    wait_not_serving(e, [f])
    record_timing(request, "follower isolated -> follower not serving", time.time() - t0)
    w.wait_more(100)
    assert e.leader() == leader
    e.proxy.heal()
    t1 = time.time()
    assert e.wait_server(f, modes=("follower",), timeout=30) == "follower"
    record_timing(request, "healed -> follower follows again", time.time() - t1)
    finish_and_check(e, w, leader=leader)
