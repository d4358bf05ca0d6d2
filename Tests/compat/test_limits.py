"""Limits on what one client may ask of the server, side by side with Apache 3.8.0 from the same zoo.cfg:
the connection throttle (connection_throttle_*, Apache's BlueThrottle)."""
import socket
import struct

import pytest


def session(port):
    """A socket with a session, or None if the server closed it instead of answering the handshake."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    body = struct.pack(">iqiq", 0, 0, 30000, 0) + struct.pack(">i", 16) + b"\0" * 16
    s.sendall(struct.pack(">i", len(body)) + body)
    try:
        head = s.recv(4)
    except ConnectionResetError:
        head = b""
    if len(head) < 4:
        s.close()
        return None
    return s


def four_letter(port, word):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(word.encode())
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out.decode()
            out += chunk


IMPLS = pytest.mark.parametrize("impl", ["apache", "zkserver"])


@IMPLS
def test_the_connection_throttle_refuses_sessions_past_its_tokens(fresh_server, impl):
    # Five tokens, one more every 100 s: the sixth session request in a row is refused.
    port = fresh_server(impl, ["connection_throttle_tokens=5", "connection_throttle_fill_time=100000"])
    socks = [session(port) for _ in range(8)]
    assert [s is not None for s in socks] == [True] * 5 + [False] * 3
    mntr = dict(line.split("\t", 1) for line in four_letter(port, "mntr").splitlines() if "\t" in line)
    assert mntr["zk_connection_rejected"] == "3"
    assert mntr["zk_max_connection_token_deficit"] == "5" and mntr["zk_cnt_connection_token_deficit"] == "5"
    for s in socks:
        if s:
            s.close()
