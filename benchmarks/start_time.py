"""Launches a server command and measures the time until 127.0.0.1:PORT answers ruok with imok.
Prints "<ms> <pid>"; the server keeps running (its stdout/stderr go to LOG).
usage: start_time.py PORT LOG command [args...]"""
import socket
import subprocess
import sys
import time

port, log = int(sys.argv[1]), sys.argv[2]
t0 = time.monotonic()
proc = subprocess.Popen(sys.argv[3:], stdout=open(log, "a"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
deadline = t0 + 600
while time.monotonic() < deadline:
    try:
        with socket.create_connection(("127.0.0.1", port), 0.5) as s:
            s.sendall(b"ruok")
            if s.recv(4) == b"imok":
                print("%d %d" % ((time.monotonic() - t0) * 1000, proc.pid))
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.001)
sys.exit(1)
