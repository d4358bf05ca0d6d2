"""Prometheus: zkserver configured as Apache's PrometheusMetricsProvider serves /metrics in the text format,
with Apache's names (the mntr keys without zk_) and kinds, parsed by prometheus_client's own parser."""
import urllib.error
import urllib.request

import pytest
from kazoo.client import KazooClient
from prometheus_client.parser import text_string_to_metric_families

from compat_util import free_port


@pytest.fixture(scope="module")
def zkserver(servers):
    if not servers.have_zkserver():
        pytest.skip("zkserver not available")
    port = free_port()
    hosts = servers.start_zkserver("zkserver-prometheus", extra=(
        "metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider",
        "metricsProvider.httpHost=127.0.0.1", "metricsProvider.httpPort=%d" % port,
        "metricsProvider.exportJvmInfo=false"))
    return hosts, port


def scrape(port, path="/metrics"):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=10) as r:
        return r.headers.get("Content-Type"), r.read().decode()


def families(port):
    ctype, text = scrape(port)
    assert ctype == "text/plain; version=0.0.4; charset=utf-8"
    return {f.name: f for f in text_string_to_metric_families(text)}


def test_scrape_parses_with_apaches_names_and_kinds(zkserver):
    hosts, port = zkserver
    zk = KazooClient(hosts=hosts)
    zk.start()
    for i in range(20):
        zk.create("/p%d" % i, b"x")
        zk.get("/p%d" % i)
    zk.stop()
    zk.close()
    f = families(port)
    assert f["znode_count"].type == "gauge" and f["znode_count"].samples[0].value >= 24
    assert f["packets_received"].type == "gauge"
    assert f["connection_request_count"].type == "counter"
    assert f["bytes_received_count"].samples[0].value > 0
    read = f["readlatency"]
    assert read.type == "summary"
    quantiles = sorted(s.labels["quantile"] for s in read.samples if s.name == "readlatency")
    assert quantiles == ["0.5", "0.9", "0.99"]
    count = [s.value for s in read.samples if s.name == "readlatency_count"]
    assert count and count[0] >= 20
    # A summary without Apache's percentiles has its median only; an empty one NaN, as Apache's.
    fsync = [s for s in f["fsynctime"].samples if s.name == "fsynctime"]
    assert [s.labels["quantile"] for s in fsync] == ["0.5"]
    assert "version" not in f and "server_state" not in f


def test_metrics_move_between_scrapes_and_only_metrics_is_served(zkserver):
    hosts, port = zkserver
    before = families(port)["updatelatency"]
    zk = KazooClient(hosts=hosts)
    zk.start()
    for i in range(10):
        zk.create("/q%d" % i, b"x")
    zk.stop()
    zk.close()
    after = families(port)["updatelatency"]

    def count(family):
        return [s.value for s in family.samples if s.name == "updatelatency_count"][0]
    assert count(after) - count(before) >= 10
    with pytest.raises(urllib.error.HTTPError) as e:
        scrape(port, "/other")
    assert e.value.code == 404
