#!/usr/bin/env python3
"""Record ZooKeeper client<->server frames as hex, for golden test vectors.

usage: capture-proxy.py LISTEN_PORT SERVER_PORT OUTFILE [--once]

Listens on 127.0.0.1:LISTEN_PORT, forwards every connection to 127.0.0.1:SERVER_PORT
and appends to OUTFILE one line per frame:  `C> <hex>` (client to server) or
`S< <hex>` (server to client). Each frame is written whole, including its 4-byte
big-endian length prefix. Lines are prefixed by `# conn N` when a connection opens.
Non-framed bytes (e.g. four-letter words) are logged as they arrive, prefixed `C>raw`/`S<raw`.
With --once the proxy exits after the first connection closes.
"""
import socket
import struct
import sys
import threading

lock = threading.Lock()


def log(out, line):
    with lock:
        out.write(line + "\n")
        out.flush()


def pump(src, dst, tag, out, done):
    buf = b""
    framed = None
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
            buf += data
            if framed is None and len(buf) >= 4:
                n = struct.unpack(">i", buf[:4])[0]
                framed = 0 <= n < (1 << 24)
            if framed is False:
                log(out, "%sraw %s" % (tag, buf.hex()))
                buf = b""
                continue
            while len(buf) >= 4:
                n = struct.unpack(">i", buf[:4])[0]
                if len(buf) < 4 + n:
                    break
                log(out, "%s %s" % (tag, buf[:4 + n].hex()))
                buf = buf[4 + n:]
    except OSError:
        pass
    finally:
        if buf:
            log(out, "%s partial %s" % (tag, buf.hex()))
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        done.set()


def main():
    lport, sport, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    once = "--once" in sys.argv
    out = open(path, "a")
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", lport))
    ls.listen(16)
    n = 0
    while True:
        c, _ = ls.accept()
        n += 1
        s = socket.create_connection(("127.0.0.1", sport))
        log(out, "# conn %d" % n)
        d1, d2 = threading.Event(), threading.Event()
        threading.Thread(target=pump, args=(c, s, "C>", out, d1), daemon=True).start()
        threading.Thread(target=pump, args=(s, c, "S<", out, d2), daemon=True).start()
        if once:
            d1.wait()
            d2.wait()
            break


if __name__ == "__main__":
    main()
