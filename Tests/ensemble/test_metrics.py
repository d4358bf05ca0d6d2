"""Apache's metrics in an ensemble: each role's mntr keys against Apache 3.8.0's for the same role, and
the election, sync, proposal and commit metrics moving on the member that measures them."""
import os
import re
import shutil
import sys
import tempfile

import pytest

from ensemble_util import wait_connected  # noqa: F401  (keeps the helper module loaded as elsewhere)
from zkensemble import Ensemble, parse_mntr

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from metrics_contract import LEFT_OUT, PER_NAMESPACE, kind  # noqa: E402

PREFIXES = re.compile(r"^zk_(avg|min|max|cnt|sum|p50|p95|p99|p999)_")
WRITES = 40


def base(key):
    """A metric's name from one of its keys: zk_avg_fsynctime and, for a per-learner set, zk_p99_2_X -> X."""
    return re.sub(r"^\d+_", "", PREFIXES.sub("zk_", key)[3:])


def run_workload(e, clients):
    zk = clients(e.servers[e.followers()[0]].hostport)
    zk.ensure_path("/metrics")
    for i in range(WRITES):
        zk.create("/metrics/n%d" % i, b"v")
    zk.sync("/metrics")
    for sid in e.servers:
        clients(e.servers[sid].hostport).sync("/metrics")


def role_mntr(e):
    """{role: mntr dict} for the leader, one follower and the observer."""
    return {"leader": parse_mntr(e.fourlw(e.leader(), "mntr")),
            "follower": parse_mntr(e.fourlw(e.followers()[0], "mntr")),
            "observer": parse_mntr(e.fourlw(e.observers()[0], "mntr"))}


def test_each_role_measures_its_part(make_ensemble, clients):
    e = make_ensemble(observers=1)
    run_workload(e, clients)
    m = role_mntr(e)

    def at_least(role, key, n):
        assert float(m[role][key]) >= n, "%s %s = %s, expected >= %s" % (role, key, m[role][key], n)

    leader, follower, observer = "leader", "follower", "observer"
    for key in ("zk_proposal_count", "zk_commit_count", "zk_cnt_quorum_ack_latency"):
        at_least(leader, key, WRITES)
    for key in ("zk_learner_proposal_received_count", "zk_learner_commit_received_count",
                "zk_cnt_proposal_latency", "zk_cnt_commit_propagation_latency"):
        at_least(follower, key, WRITES)
    at_least(observer, "zk_learner_commit_received_count", WRITES)
    for role in (leader, follower, observer):
        at_least(role, "zk_cnt_propagation_latency", WRITES)
        at_least(role, "zk_looking_count", 1)
        at_least(role, "zk_cnt_unavailable_time", 1)
    at_least(leader, "zk_cnt_leader_unavailable_time", 1)
    at_least(leader, "zk_cnt_election_time", 1)
    at_least(follower, "zk_cnt_election_time", 1)
    at_least(follower, "zk_cnt_follower_sync_time", 1)
    at_least(observer, "zk_cnt_observer_sync_time", 1)
    # Every learner was synced by the leader with a DIFF, TRUNC or SNAP.
    assert int(m[leader]["zk_diff_count"]) + int(m[leader]["zk_snap_count"]) >= len(e.servers) - 1
    # What only one role measures stays at 0 elsewhere.
    assert int(m[follower]["zk_proposal_count"]) == 0
    assert int(m[leader]["zk_learner_proposal_received_count"]) == 0
    assert int(m[observer]["zk_cnt_election_time"]) == 0


def test_role_keys_match_apache(request, clients):
    """The same workload on a 3+1 Apache ensemble and a zkserver one: per role, zkserver's mntr has every
    key Apache's has but the documented left-out ones, invents none, and types them alike."""
    impls = (request.config.getoption("--impl") or os.environ.get("ENSEMBLE_IMPL") or "apache").split(",")
    if "zkserver" not in impls or "apache" not in impls:
        pytest.skip("needs --impl apache,zkserver")
    made = []
    try:
        by_impl = {}
        for impl in ("apache", "zkserver"):
            e = Ensemble(tempfile.mkdtemp(prefix="zk-ens-metrics-%s-" % impl), n=3, impl=impl, observers=1)
            made.append(e)
            e.write_configs()
            e.start_all(timeout=60)
            run_workload(e, clients)
            by_impl[impl] = role_mntr(e)
        for role in ("leader", "follower", "observer"):
            a = {k: v for k, v in by_impl["apache"][role].items() if not PER_NAMESPACE.search(k)}
            z = by_impl["zkserver"][role]
            # observer_master_id: Apache's observers name the member they observe through (ObserverMaster).
            invented = sorted(set(z) - set(a))
            missing = sorted(k for k in set(a) - set(z) if base(k) not in LEFT_OUT and k != "zk_observer_master_id")
            assert not invented and not missing, "%s: invented %s, missing %s" % (role, invented, missing)
            mistyped = {k: (a[k], z[k]) for k in z if kind(a[k]) != kind(z[k])}
            assert not mistyped, (role, mistyped)
    finally:
        for e in made:
            e.close()
            shutil.rmtree(e.root, ignore_errors=True)


ADMIN_COMMANDS = ("leader voting_view zabstate observers server_stats stats monitor is_read_only connections "
                  "watch_summary dump configuration").split()


def admin_shape(value):
    """Keys and value types, recursively; maps keyed by ids or paths by their values; lists by their first item."""
    if isinstance(value, dict):
        return {("*" if k.isdigit() or k.startswith("/") else k): admin_shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [admin_shape(value[0])] if value else []
    return "bool" if isinstance(value, bool) else "number" if isinstance(value, (int, float)) else type(value).__name__


def test_admin_commands_per_role_match_apache(request, clients):
    """The AdminServer of each role in a 3+1 ensemble answers the quorum commands (leader, voting_view,
    zabstate, observers) and the stats ones with Apache's keys and value types."""
    import json
    import urllib.request
    impls = (request.config.getoption("--impl") or os.environ.get("ENSEMBLE_IMPL") or "apache").split(",")
    if "zkserver" not in impls or "apache" not in impls:
        pytest.skip("needs --impl apache,zkserver")
    made, answers = [], {}
    try:
        for impl in ("apache", "zkserver"):
            e = Ensemble(tempfile.mkdtemp(prefix="zk-ens-admin-%s-" % impl), n=3, impl=impl, observers=1, admin=True)
            made.append(e)
            e.write_configs()
            e.start_all(timeout=60)
            run_workload(e, clients)
            roles = {"leader": e.leader(), "follower": e.followers()[0], "observer": e.observers()[0]}
            for role, sid in roles.items():
                for name in ADMIN_COMMANDS:
                    url = "http://127.0.0.1:%d/commands/%s" % (e.servers[sid].admin_port, name)
                    with urllib.request.urlopen(url, timeout=10) as r:
                        answers[(impl, role, name)] = json.loads(r.read())
        for role in ("leader", "follower", "observer"):
            for name in ADMIN_COMMANDS:
                a, z = answers[("apache", role, name)], answers[("zkserver", role, name)]
                if name == "monitor":
                    a = {k: v for k, v in a.items()
                         if not PER_NAMESPACE.search(k) and base("zk_" + k) not in LEFT_OUT and k != "observer_master_id"}
                assert admin_shape(z) == admin_shape(a), (role, name)
                if name in ("leader", "zabstate"):
                    for key in ("is_leader", "voting", "zabstate", "myid"):
                        if key in a:
                            assert z[key] == a[key] or key == "myid", (role, name, key, a[key], z[key])
    finally:
        for e in made:
            e.close()
            shutil.rmtree(e.root, ignore_errors=True)
