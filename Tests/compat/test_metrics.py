"""Apache's metrics: mntr's key set and value types against Apache 3.8.0 for the same workload, the
measured metrics moving under load, and srst resetting them (the same checks on both servers)."""
import re

import pytest
from kazoo.client import KazooClient

from compat_util import four_letter

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from metrics_contract import LEFT_OUT, PER_NAMESPACE, kind  # noqa: E402
PREFIXES = re.compile(r"^(avg|min|max|cnt|sum|p50|p95|p99|p999)_")


def mntr(hosts):
    out = {}
    for line in four_letter(hosts, "mntr").splitlines():
        key, _, value = line.partition("\t")
        out[key[3:]] = value
    return out


def base(key):
    """A summary's metric name from one of its keys (avg_fsynctime -> fsynctime)."""
    return PREFIXES.sub("", key)


def workload(hosts, n=60):
    zk = KazooClient(hosts=hosts)
    zk.start()
    try:
        zk.ensure_path("/metrics")
        for i in range(n):
            zk.get_children("/metrics", watch=lambda e: None)
            zk.exists("/metrics/n%d" % i, watch=lambda e: None)
            zk.create("/metrics/n%d" % i, b"x" * 100)
            zk.get("/metrics/n%d" % i, watch=lambda e: None)
            zk.set("/metrics/n%d" % i, b"y")
        for i in range(n):
            zk.exists("/metrics/n%d" % i, watch=lambda e: None)
            zk.delete("/metrics/n%d" % i)
        zk.delete("/metrics")
    finally:
        zk.stop()
        zk.close()


@pytest.fixture(scope="module")
def pair(servers):
    """A fresh server of each kind, so other modules' traffic does not move the figures."""
    a = servers.start_apache("apache-metrics")
    z = servers.start_zkserver("zkserver-metrics") if servers.have_zkserver() else None
    return a, z


def test_mntr_keys_and_types_match_apache(pair):
    a_host, z_host = pair
    if z_host is None:
        pytest.skip("zkserver not available")
    workload(a_host, 5)
    workload(z_host, 5)
    a, z = mntr(a_host), mntr(z_host)
    a = {k: v for k, v in a.items() if not PER_NAMESPACE.search(k)}
    invented = sorted(set(z) - set(a))
    assert not invented, "zkserver reports keys Apache does not: %s" % invented
    expected = {k for k in a if base(k) not in LEFT_OUT}
    missing = sorted(expected - set(z))
    assert not missing, "zkserver lacks Apache keys: %s" % missing
    mistyped = {k: (a[k], z[k]) for k in z if kind(a[k]) != kind(z[k])}
    assert not mistyped, mistyped
    assert len(z) >= 170, len(z)
    # What is left out stays left out: a name in LEFT_OUT that zkserver now measures belongs in neither list.
    assert not {base(k) for k in z} & LEFT_OUT


@pytest.mark.parametrize("which", ["apache", "zkserver"])
def test_measured_metrics_move_under_load(pair, which):
    hosts = pair[0] if which == "apache" else pair[1]
    if hosts is None:
        pytest.skip("zkserver not available")
    before = mntr(hosts)
    workload(hosts, 60)
    after = mntr(hosts)

    def grew(key, at_least):
        delta = float(after[key]) - float(before[key])
        assert delta >= at_least, "%s moved by %s (before %s, after %s)" % (key, delta, before[key], after[key])

    # 60 creates, sets and deletes (+ the parent's), 240 reads with watches.
    grew("cnt_updatelatency", 180)
    grew("cnt_readlatency", 240)
    grew("cnt_propagation_latency", 180)
    grew("cnt_fsynctime", 1)
    grew("sum_sync_processor_batch_size", 180)
    grew("cnt_node_created_watch_count", 60)
    grew("cnt_node_changed_watch_count", 60)
    grew("cnt_node_deleted_watch_count", 60)
    grew("cnt_node_children_watch_count", 60)
    grew("packets_received", 420)
    grew("bytes_received_count", 420 * 12)
    grew("response_bytes", 420 * 16)
    grew("watch_bytes", 240 * 20)
    grew("connection_request_count", 1)
    assert int(after["max_client_response_size"]) > 100  # a getData of the 100-byte value


@pytest.mark.parametrize("which", ["apache", "zkserver"])
def test_srst_resets_latency_and_metrics(pair, which):
    hosts = pair[0] if which == "apache" else pair[1]
    if hosts is None:
        pytest.skip("zkserver not available")
    workload(hosts, 5)
    assert four_letter(hosts, "srst") == "Server stats reset.\n"
    m = mntr(hosts)
    for key in ("cnt_readlatency", "cnt_updatelatency", "cnt_fsynctime", "packets_sent"):
        assert int(m[key]) <= 1, (key, m[key])
    assert int(m["bytes_received_count"]) <= 4  # this mntr's own four bytes
    assert m["max_client_response_size"] == "-1"
    assert int(m["znode_count"]) >= 4  # state is not a statistic
