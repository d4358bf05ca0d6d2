"""What an ensemble member logs for the operator: each election with its duration and result, and how the
leader brought each learner up to date. Apache logs the same events in its own words (LEADER ELECTION
TOOK, its sync choice per learner); the zkserver lines keep the first and say more about the second."""
import os
import re

import pytest

LAYOUT = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[myid:(\d+)\] - (INFO |WARN |ERROR) \[zkserver\] - ")


def log_lines(e, sid):
    with open(os.path.join(e.servers[sid].dir, "zkserver.log"), errors="replace") as f:
        return [line.rstrip("\n") for line in f if LAYOUT.match(line)]


def test_elections_and_syncs_are_logged(make_ensemble, clients, impl):
    if impl != "zkserver":
        pytest.skip("zkserver's log lines")
    e = make_ensemble()
    leader = e.leader()
    zk = clients(e.servers[leader].hostport)
    for i in range(20):
        zk.create("/logged-%d" % i, b"x")
    follower = e.followers()[0]
    e.kill(follower)
    for i in range(20, 30):
        zk.create("/logged-%d" % i, b"x")
    e.start(follower)
    e.wait_server(follower)
    lines = {sid: log_lines(e, sid) for sid in e.servers}
    for sid, text in lines.items():
        assert all(LAYOUT.match(line).group(1) == str(sid) for line in text), (sid, text)
    leading = [l for l in lines[leader] if "LEADING - LEADER ELECTION TOOK - " in l]
    assert leading and re.search(r"TOOK - \d+ MS", leading[0]), lines[leader]
    assert any("Leading epoch" in l for l in lines[leader]), lines[leader]
    for sid in e.followers():
        assert any("FOLLOWING - LEADER ELECTION TOOK - " in l for l in lines[sid]), lines[sid]
        assert any("Following leader %d in epoch" % leader in l for l in lines[sid]), lines[sid]
    # The restarted follower came back behind: the leader says how it synced it and how much it sent.
    syncs = [l for l in lines[leader] if "Synchronizing with learner sid: %d by " % follower in l]
    assert syncs, lines[leader]
    assert re.search(r"by (DIFF: \d+ proposals|SNAP: snapshot of \d+ bytes|TRUNC: )", syncs[-1]), syncs
    assert re.search(r"by DIFF: ([1-9]\d*) proposals", syncs[-1]) or "SNAP" in syncs[-1], syncs
    # Nothing per request: 30 creates add no line on any member.
    assert all(len(text) < 40 for text in lines.values()), lines
