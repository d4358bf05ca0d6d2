"""The AdminServer against Apache 3.8.0's (Jetty) for the same state: every command and alias answers with
the same keys with the same value types; the envelope, unknown commands, arguments and
the command list behave alike."""
import json
import urllib.error
import urllib.request

import pytest
from kazoo.client import KazooClient

from compat_util import free_port

COMMANDS = ("configuration connection_stat_reset connections dirs dump environment get_trace_mask hash "
            "initial_configuration is_read_only last_snapshot leader monitor observer_connection_stat_reset observers "
            "ruok server_stats set_trace_mask stat_reset stats system_properties voting_view watch_summary watches "
            "watches_by_path zabstate").split()
ALIASES = {"conf": "configuration", "config": "configuration", "crst": "connection_stat_reset", "cons": "connections",
           "env": "environment", "envi": "environment", "gtmk": "get_trace_mask", "icfg": "initial_configuration",
           "isro": "is_read_only", "lsnp": "last_snapshot", "lead": "leader", "mntr": "monitor",
           "orst": "observer_connection_stat_reset", "obsr": "observers", "srvr": "server_stats", "stmk": "set_trace_mask",
           "srst": "stat_reset", "stat": "stats", "sysp": "system_properties", "wchc": "watches", "wchp": "watches_by_path",
           "wchs": "watch_summary"}
# Keys whose set depends on the JVM (system_properties, environment's java.*) or on per-path history.
FREE_FORM = {"system_properties"}


def get(port, path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=10) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def shape(value):
    """Keys and value types, recursively; list items by their first element's shape."""
    if isinstance(value, dict):
        # Maps keyed by data (session ids, expiry times, paths) compare by their values' shape.
        return {("*" if k.isdigit() or k.startswith("/") else k): shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


@pytest.fixture(scope="module")
def pair(servers):
    a_admin, z_admin = free_port(), free_port()
    a = servers.start_apache("apache-admin", admin_port=a_admin)
    if not servers.have_zkserver():
        pytest.skip("zkserver not available")
    z = servers.start_zkserver("zkserver-admin", extra=("admin.enableServer=true", "admin.serverAddress=127.0.0.1",
                                                        "admin.serverPort=%d" % z_admin))
    clients = []
    for hosts in (a, z):
        zk = KazooClient(hosts=hosts)
        zk.start()
        zk.ensure_path("/admin/a")
        zk.create("/admin/e", b"x", ephemeral=True)
        zk.get("/admin", watch=lambda e: None)
        clients.append(zk)
    yield a_admin, z_admin
    for zk in clients:
        zk.stop()
        zk.close()


@pytest.mark.parametrize("name", COMMANDS + sorted(ALIASES))
def test_command_keys_and_types(pair, name):
    a_port, z_port = pair
    a_status, a_type, a_body = get(a_port, "/commands/" + name)
    z_status, z_type, z_body = get(z_port, "/commands/" + name)
    assert (z_status, z_type) == (a_status, a_type) == (200, "application/json")
    a, z = json.loads(a_body), json.loads(z_body)
    assert z["command"] == a["command"] == ALIASES.get(name, name)
    assert z["error"] == a["error"]
    if name in FREE_FORM or ALIASES.get(name) in FREE_FORM:
        return
    if ALIASES.get(name, name) == "monitor":
        a = {k: v for k, v in a.items() if not k.endswith("_per_namespace")}
        left_out = {l.strip() for l in open(__file__.replace("compat/test_admin.py", "metrics-left-out.txt"))
                    if l.strip() and not l.startswith("#")}
        import re
        a = {k: v for k, v in a.items() if re.sub(r"^(avg|min|max|cnt|sum|p50|p95|p99|p999)_", "", k) not in left_out}
    if ALIASES.get(name, name) == "environment":
        assert set(z) == set(a)
        return
    # JSON objects are unordered: the keys and the types of their values must match.
    assert sorted(shape(z)) == sorted(shape(a)), "keys differ"
    assert shape(z) == shape(a)


def test_unknown_command_and_arguments(pair):
    a_port, z_port = pair
    for port in pair:
        status, ctype, body = get(port, "/commands/nosuch")
        assert (status, ctype, json.loads(body)) == (200, "application/json",
                                                     {"command": "nosuch", "error": "Unknown command: nosuch"})
        assert json.loads(get(port, "/commands/set_trace_mask")[2])["error"] == "setTraceMask requires long traceMask argument"
        assert json.loads(get(port, "/commands/set_trace_mask?traceMask=12")[2])["tracemask"] == 12
        assert json.loads(get(port, "/commands/gtmk")[2])["tracemask"] == 12
        get(port, "/commands/set_trace_mask?traceMask=306")
    index = [get(p, "/commands")[2] for p in pair]
    assert all("/commands/zabstate" in text and "/commands/ruok" in text for text in index)
