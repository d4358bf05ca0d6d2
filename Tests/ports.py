"""TCP ports for the servers the tests start, shared by every suite.

A port is never handed out twice in one test process: asking the kernel for port 0 twice in a row may
return the same port (a server's clientPort and secureClientPort once came out equal, and Apache died
binding the second). Ports come from below the kernel's ephemeral range (net.ipv4.ip_local_port_range
starts at 32768), so an outgoing connection cannot take one between this check and the server's bind."""
import random
import socket

_HANDED_OUT = set()
_RNG = random.Random()


def free_ports(n):
    """n distinct TCP ports on 127.0.0.1, free now and never returned before in this process."""
    socks, ports = [], []
    try:
        while len(ports) < n:
            port = _RNG.randrange(10000, 29990)
            if port in _HANDED_OUT:
                continue
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                s.close()
                continue
            socks.append(s)
            ports.append(port)
            _HANDED_OUT.add(port)
    finally:
        for s in socks:
            s.close()
    return ports


def free_port():
    return free_ports(1)[0]
