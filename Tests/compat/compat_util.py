"""Helpers for the compatibility scenarios (see conftest.py)."""
import os
import socket
import struct
import sys
import threading
import time

from kazoo.client import KazooClient
from kazoo.exceptions import KazooException, ZookeeperError
from kazoo.protocol.states import ZnodeStat, WatchedEvent
from kazoo.protocol.serialization import (
    read_string, stat_struct, int_struct, write_string, write_buffer)
from kazoo.security import ACL, Id
from kazoo.protocol.states import Callback

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ports import free_port  # noqa: E402,F401 (for the test modules)


def four_letter(hosts, word, timeout=5):
    host, port = hosts.rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=timeout)
    try:
        s.sendall(word.encode() if isinstance(word, str) else word)
        data = b""
        while True:
            try:
                b = s.recv(65536)
            except ConnectionResetError:
                break
            if not b:
                break
            data += b
        return data.decode("utf-8", "replace")
    finally:
        s.close()


def wait_listening(port, timeout, proc=None):
    """True once 127.0.0.1:port accepts TCP connections (does not need 4lw support)."""
    end = time.time() + timeout
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


# ---- raw requests kazoo lacks -------------------------------------------------

def _ser_create(path, data, acl, flags):
    b = bytearray()
    b.extend(write_string(path))
    b.extend(write_buffer(data))
    b.extend(int_struct.pack(len(acl)))
    for a in acl:
        b.extend(int_struct.pack(a.perms) + write_string(a.id.scheme) + write_string(a.id.id))
    b.extend(int_struct.pack(flags))
    return b


class CreateContainer(tuple):
    """createContainer (opcode 19): CreateRequest body, Create2Response."""
    type = 19

    def __new__(cls, path, data, acl, flags=4):
        return tuple.__new__(cls, (path, data, acl, flags))

    def serialize(self):
        return _ser_create(*self)

    @classmethod
    def deserialize(cls, bytes, offset):
        path, offset = read_string(bytes, offset)
        return path, ZnodeStat._make(stat_struct.unpack_from(bytes, offset))


class RawCreate(CreateContainer):
    """create (opcode 1) with arbitrary flags (kazoo computes flags itself)."""
    type = 1

    @classmethod
    def deserialize(cls, bytes, offset):
        return read_string(bytes, offset)[0]


class RawCreate2(CreateContainer):
    type = 15


class CreateTTL(tuple):
    """createTTL (opcode 21): CreateTTLRequest = CreateRequest + long ttl."""
    type = 21

    def __new__(cls, path, data, acl, flags, ttl):
        return tuple.__new__(cls, (path, data, acl, flags, ttl))

    def serialize(self):
        return _ser_create(*self[:4]) + struct.pack("!q", self[4])

    deserialize = CreateContainer.deserialize


class GetEphemerals(tuple):
    """getEphemerals (opcode 103): string prefixPath -> vector<string>."""
    type = 103

    def __new__(cls, prefix):
        return tuple.__new__(cls, (prefix,))

    def serialize(self):
        return write_string(self[0])

    @classmethod
    def deserialize(cls, bytes, offset):
        n = int_struct.unpack_from(bytes, offset)[0]
        offset += 4
        out = []
        for _ in range(max(n, 0)):
            s, offset = read_string(bytes, offset)
            out.append(s)
        return out


class GetAllChildrenNumber(tuple):
    """getAllChildrenNumber (opcode 104): string path -> int."""
    type = 104

    def __new__(cls, path):
        return tuple.__new__(cls, (path,))

    def serialize(self):
        return write_string(self[0])

    @classmethod
    def deserialize(cls, bytes, offset):
        return int_struct.unpack_from(bytes, offset)[0]


class RawGetData(tuple):
    """getData without kazoo's client-side path handling."""
    type = 4

    def __new__(cls, path):
        return tuple.__new__(cls, (path,))

    def serialize(self):
        return write_string(self[0]) + b"\x00"

    @classmethod
    def deserialize(cls, bytes, offset):
        data, offset = read_buffer_(bytes, offset)
        return data, ZnodeStat._make(stat_struct.unpack_from(bytes, offset))


def read_buffer_(bytes, offset):
    n = int_struct.unpack_from(bytes, offset)[0]
    offset += 4
    if n < 0:
        return None, offset
    return bytes[offset:offset + n], offset + n


# ---- normalization -------------------------------------------------------------

class _Z:
    """A zxid placeholder; finalize() turns them into ranks within the scenario."""
    def __init__(self, v):
        self.v = v


STAT_FIELDS = ("czxid", "mzxid", "ctime", "mtime", "version", "cversion",
               "aversion", "ephemeralOwner", "dataLength", "numChildren", "pzxid")


class Ctx:
    def __init__(self, hosts, base):
        self.hosts = hosts
        self.base = base
        self.clients = []
        self.zk = self.new_client()
        # clean any leftover from a previous run against the same server
        try:
            self.zk.delete(base, recursive=True)
        except KazooException:
            pass

    # clients -----------------------------------------------------------------
    def new_client(self, auth_data=None, start=True):
        c = KazooClient(hosts=self.hosts, timeout=10, auth_data=auth_data)
        if start:
            c.start(timeout=15)
        self.clients.append(c)
        return c

    def close(self):
        for c in self.clients:
            try:
                c.stop()
                c.close()
            except Exception:
                pass

    def session_label(self, sid):
        if sid == 0:
            return 0
        for i, c in enumerate(self.clients):
            if c.client_id and c.client_id[0] == sid:
                return "session%d" % i
        return "other-session"

    # calls -------------------------------------------------------------------
    def call(self, fn, *args, **kw):
        """Run fn; return ["ok", normalized value] or ["err", ExceptionClassName]."""
        try:
            return ["ok", self.norm(fn(*args, **kw))]
        except KazooException as e:
            return ["err", type(e).__name__]

    def raw(self, request, client=None):
        c = client or self.zk
        ar = c.handler.async_result()
        c._call(request, ar)
        return ar.get(timeout=10)

    def rawcall(self, request, client=None):
        return self.call(self.raw, request, client)

    def flush(self, client=None):
        """Round trip, then wait until the client's callback queue drained, so every
        watch event sent before the reply has been delivered to its watcher."""
        c = client or self.zk
        c.exists("/")
        ev = threading.Event()
        c.handler.dispatch_callback(Callback("watch", ev.set, ()))
        ev.wait(5)

    def watcher(self, sink):
        def w(event):
            sink.append([event.type, event.state, event.path])
        return w

    # normalization -----------------------------------------------------------
    def stat(self, st):
        d = dict(zip(STAT_FIELDS, st))
        out = {}
        for k in STAT_FIELDS:
            v = d[k]
            if k in ("czxid", "mzxid", "pzxid"):
                out[k] = _Z(v)
            elif k in ("ctime", "mtime"):
                # wall-clock milliseconds: only check plausibility
                out[k] = 0 if v == 0 else "T" if abs(v / 1000.0 - time.time()) < 3600 else "BAD-TIME:%d" % v
            elif k == "ephemeralOwner":
                out[k] = self.session_label(v)
            else:
                out[k] = v
        return out

    def norm(self, v):
        if isinstance(v, ZnodeStat):
            return self.stat(v)
        if isinstance(v, WatchedEvent):
            return [v.type, v.state, v.path]
        if isinstance(v, ACL):
            return [v.perms, v.id.scheme, v.id.id]
        if isinstance(v, BaseException):
            return "exc:" + type(v).__name__
        if isinstance(v, (bytes, bytearray)):
            return "b:" + bytes(v).decode("latin-1")
        if isinstance(v, (list, tuple)):
            return [self.norm(x) for x in v]
        if isinstance(v, dict):
            return {k: self.norm(x) for k, x in v.items()}
        return v

    def finalize(self, result):
        zs = []

        def collect(v):
            if isinstance(v, _Z):
                zs.append(v.v)
            elif isinstance(v, (list, tuple)):
                for x in v:
                    collect(x)
            elif isinstance(v, dict):
                for x in v.values():
                    collect(x)
        collect(result)
        rank = {z: i for i, z in enumerate(sorted(set(zs)))}

        def repl(v):
            if isinstance(v, _Z):
                return "z%d" % rank[v.v]
            if isinstance(v, (list, tuple)):
                return [repl(x) for x in v]
            if isinstance(v, dict):
                return {k: repl(x) for k, x in v.items()}
            return v
        return repl(result)
