"""An ensemble's data dirs move between Apache ZooKeeper 3.8.0 and zkserver in both directions, with the
same zoo.cfg and myid files: a rolling migration's worst case, every member at once. Apache keeps
acceptedEpoch and currentEpoch in dataDir/version-2; zkserver must read them there (not trap on an
Apache member's dir) and write them there (or Apache refuses its dir: "The current epoch ... is older
than the last zxid")."""
import os
import shutil
import tempfile

import pytest

from zkensemble import Ensemble
from ensemble_util import read_server

ZKSERVER = os.path.abspath(os.environ.get("ZKSERVER_BIN", ".build/debug/zkserver"))


@pytest.fixture
def ensemble():
    if not os.access(ZKSERVER, os.X_OK) or not shutil.which("java"):
        pytest.skip("needs zkserver and Apache ZooKeeper (java)")
    root = tempfile.mkdtemp(prefix="zk-ens-datadirs-")
    e = Ensemble(root, n=3, impl="apache", tick_time=500)
    e.write_configs()
    yield e
    e.close()
    shutil.rmtree(root, ignore_errors=True)


def write(e, clients, names):
    zk = clients(e.hosts())
    zk.ensure_path("/mig")
    for name in names:
        zk.create("/mig/" + name, name.encode())


def epochs(e, sid):
    data = os.path.join(e.servers[sid].dir, "data")
    found = {}
    for where in ("", "version-2"):
        for name in ("acceptedEpoch", "currentEpoch"):
            path = os.path.join(data, where, name)
            if os.path.exists(path):
                found[os.path.join(where, name)] = int(open(path).read().strip())
    return found


def every_server_holds(e, names):
    for sid in sorted(e.servers):
        view = read_server(e, sid, "/mig")
        assert view == {n: n.encode() for n in names}, "server %d: %s" % (sid, sorted(view))


def switch(e, impl):
    e.close()
    e.impl = impl
    e.start_all(timeout=60)


def test_data_dirs_move_between_apache_and_zkserver(ensemble, clients):
    e = ensemble
    e.start_all(timeout=60)
    names = ["a%02d" % i for i in range(20)]
    write(e, clients, names)
    # A second epoch in the logs: the leader goes, a new one is elected.
    e.restart(e.leader(), wait=False)
    e.wait_serving(timeout=60)
    more = ["b%02d" % i for i in range(20)]
    write(e, clients, more)
    names += more
    apache_epochs = {sid: epochs(e, sid) for sid in e.servers}
    assert all(set(found) == {"version-2/acceptedEpoch", "version-2/currentEpoch"} for found in apache_epochs.values())

    switch(e, "zkserver")
    every_server_holds(e, names)
    more = ["c%02d" % i for i in range(20)]
    write(e, clients, more)
    names += more
    for sid in e.servers:
        found = epochs(e, sid)
        assert set(found) == {"version-2/acceptedEpoch", "version-2/currentEpoch"}, found
        assert found["version-2/currentEpoch"] > apache_epochs[sid]["version-2/currentEpoch"], found

    switch(e, "apache")
    every_server_holds(e, names)
    more = ["d%02d" % i for i in range(10)]
    write(e, clients, more)
    every_server_holds(e, names + more)


def test_zkserver_moves_epoch_files_it_kept_at_the_top_of_data_dir(ensemble, clients):
    # Data dirs zkserver wrote before it used Apache's location still start, and are moved over once.
    e = ensemble
    e.impl = "zkserver"
    e.start_all(timeout=60)
    names = ["x%02d" % i for i in range(10)]
    write(e, clients, names)
    e.close()
    for sid, s in e.servers.items():
        for name in ("acceptedEpoch", "currentEpoch"):
            os.rename(os.path.join(s.dir, "data", "version-2", name), os.path.join(s.dir, "data", name))
    e.start_all(timeout=60)
    every_server_holds(e, names)
    for sid in e.servers:
        assert set(epochs(e, sid)) == {"version-2/acceptedEpoch", "version-2/currentEpoch"}


def test_invalid_epoch_files_stop_zkserver_with_an_error_naming_them(ensemble, clients):
    e = ensemble
    e.start_all(timeout=60)
    write(e, clients, ["y"])
    e.close()
    s = e.servers[1]
    with open(os.path.join(s.dir, "data", "version-2", "currentEpoch"), "w") as f:
        f.write("0")
    e.impl = "zkserver"
    e.start(1)
    s.proc.wait(30)
    log = open(os.path.join(s.dir, "zkserver.log"), errors="replace").read()
    assert s.proc.returncode not in (0, -4, -5, 132, 133), (s.proc.returncode, log[-2000:])  # no SIGILL/SIGTRAP
    assert os.path.join(s.dir, "data", "version-2", "currentEpoch") in log, log[-2000:]
    assert "is older than the last zxid" in log, log[-2000:]
