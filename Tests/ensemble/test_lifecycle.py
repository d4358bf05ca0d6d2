"""A member stopped with SIGTERM closes its clients' connections but not their sessions: they move to
another member with the same session id and their ephemerals, as with Apache."""
import signal
import time

import pytest
from kazoo.client import KazooState


@pytest.mark.parametrize("role", ["follower", "leader"])
def test_sigterm_keeps_the_members_sessions_for_the_others(make_ensemble, clients, role):
    e = make_ensemble()
    victim = e.followers()[0] if role == "follower" else e.leader()
    assert victim is not None, e.describe()
    others = [sid for sid in sorted(e.servers) if sid != victim]
    # The victim first: kazoo tries the hosts in this order.
    zk = clients(e.hosts([victim] + others), randomize_hosts=False)
    assert zk._connection._socket.getpeername()[1] == e.servers[victim].client_port
    zk.create("/term-%s" % role, b"x", ephemeral=True)
    session = zk.client_id[0]
    states = []
    zk.add_listener(states.append)
    e.kill(victim, sig=signal.SIGTERM)
    deadline = time.time() + 30
    while time.time() < deadline:
        if KazooState.SUSPENDED in states and zk.state == KazooState.CONNECTED:
            break
        time.sleep(0.1)
    assert KazooState.SUSPENDED in states and zk.state == KazooState.CONNECTED, states
    assert KazooState.LOST not in states, states
    assert zk.client_id[0] == session
    assert zk._connection._socket.getpeername()[1] in [e.servers[s].client_port for s in others]
    assert zk.exists("/term-%s" % role) is not None
    other = clients(e.hosts(others))
    stat = other.exists("/term-%s" % role)
    assert stat is not None and stat.ephemeralOwner == session
