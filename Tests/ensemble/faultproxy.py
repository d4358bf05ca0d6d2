"""A fault-injecting TCP proxy (asyncio, in a background thread) for the links between
ensemble peers.

Every directed pair of servers (i -> j) gets two proxy ports, forwarding to j's real quorum and
election ports; server i's zoo.cfg names the proxy ports in its server.j line (its own line keeps
its real ports). Cutting a server then means: every link from or to it stops carrying bytes.
The election address a server announces when it connects to a peer (the InitialMessage) is
rewritten to the proxy port of the reverse link, so that connect-backs are proxied too.

    proxy = PeerProxy(ensemble_servers)           # {sid: Server}, before write_configs()
    Ensemble(..., per_server_peer_ports=proxy.peer_ports())
    proxy.isolate(2)                              # blackhole: connections hang, nothing flows
    proxy.isolate(2, mode="reset")                # or: close every connection, refuse new ones
    proxy.heal()
    proxy.close()
"""
import asyncio
import threading

from zkensemble import free_ports


class _Link:
    def __init__(self, src, dst, kind, listen_port, target_port):
        self.src, self.dst, self.kind = src, dst, kind
        self.listen_port, self.target_port = listen_port, target_port
        self.mode = None            # None (pass), "blackhole" or "reset"
        self.conns = set()          # (client_writer, upstream_writer)
        self.server = None
        self.bytes = 0


class PeerProxy:
    def __init__(self, servers):
        self.servers = servers
        self.links = {}
        for i in servers:
            for j in servers:
                if i == j:
                    continue
                q, e = free_ports(2)
                self.links[(i, j, "quorum")] = _Link(i, j, "quorum", q, servers[j].quorum_port)
                self.links[(i, j, "election")] = _Link(i, j, "election", e, servers[j].election_port)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self._call(self._start_all())

    def _call(self, coro, timeout=10):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def peer_ports(self):
        """{sid: {peer sid: (quorum port, election port)}} for Ensemble(per_server_peer_ports=...)."""
        out = {}
        for (i, j, kind), link in self.links.items():
            if kind == "quorum":
                out.setdefault(i, {})[j] = (link.listen_port, self.links[(i, j, "election")].listen_port)
        return out

    async def _start_all(self):
        for link in self.links.values():
            link.server = await asyncio.start_server(
                lambda r, w, link=link: self._accept(link, r, w), "127.0.0.1", link.listen_port)

    async def _accept(self, link, reader, writer):
        if link.mode == "reset":
            writer.transport.abort()
            return
        pair = [writer, None]
        link.conns.add(tuple(pair))
        try:
            if link.mode == "blackhole":
                # like a SYN into a partition: nothing reaches the target; heal() resets it
                while link.mode == "blackhole" and await reader.read(65536):
                    pass
                return
            # The kernel has completed the handshake already, so a target that does not listen
            # yet (a server still starting, or electing) cannot be answered with a refusal; keep
            # trying for a while instead of resetting at once, which the peer would take for a
            # broken leader/peer connection.
            up_reader = up_writer = None
            end = self.loop.time() + 3.0
            while up_writer is None:
                try:
                    up_reader, up_writer = await asyncio.wait_for(
                        asyncio.open_connection("127.0.0.1", link.target_port), 2)
                except (OSError, asyncio.TimeoutError):
                    if self.loop.time() > end or link.mode is not None:
                        return
                    await asyncio.sleep(0.05)
            link.conns.discard(tuple(pair))
            pair[1] = up_writer
            link.conns.add(tuple(pair))
            if link.mode is not None:
                return
            if link.kind == "election":
                await self._forward_initial_message(link, reader, up_writer)
            await asyncio.gather(self._pipe(link, reader, up_writer), self._pipe(link, up_reader, writer))
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            link.conns.discard(tuple(pair))
            for w in pair:
                if w is not None:
                    w.transport.abort()

    async def _forward_initial_message(self, link, reader, writer):
        """An election connection starts with the connecting server's InitialMessage: long
        protocol version (-65536, or -65535 with multiAddress), long sid, int length, "host:port[|host:port]" of its
        own election address. A server that receives a connection from a smaller id closes it and
        connects back to that address, which would bypass the proxy; so the address is replaced
        with the proxy port of the reverse link. Anything else passes unchanged."""
        head = await reader.readexactly(8)
        version = int.from_bytes(head, "big", signed=True)
        if version not in (-65536, -65535):
            writer.write(head)
            return
        rest = await reader.readexactly(12)
        length = int.from_bytes(rest[8:], "big", signed=True)
        if not 0 <= length <= 4096:
            writer.write(head + rest)
            return
        await reader.readexactly(length)
        back = self.links.get((link.dst, link.src, "election"))
        addr = ("127.0.0.1:%d" % back.listen_port).encode()
        writer.write(head + rest[:8] + len(addr).to_bytes(4, "big") + addr)
        await writer.drain()

    async def _pipe(self, link, reader, writer):
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                if link.mode is None:          # blackholed bytes are dropped
                    link.bytes += len(data)
                    writer.write(data)
                    await writer.drain()
                elif link.mode == "reset":
                    break
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            writer.transport.abort()

    async def _set(self, pred, mode):
        for link in self.links.values():
            if pred(link):
                link.mode = mode
                if mode == "reset":
                    for pair in list(link.conns):
                        for w in pair:
                            if w is not None:
                                w.transport.abort()

    def isolate(self, sid, mode="blackhole"):
        """Cut every link from and to sid."""
        self._call(self._set(lambda link: sid in (link.src, link.dst), mode))

    def cut(self, a, b, mode="blackhole"):
        """Cut the links between a and b (both directions)."""
        self._call(self._set(lambda link: {link.src, link.dst} == {a, b}, mode))

    def heal(self):
        """Every link passes again. Connections blackholed meanwhile are reset (their byte
        streams have holes), so the peers reconnect."""
        async def heal_all():
            for link in self.links.values():
                if link.mode == "blackhole":
                    for pair in list(link.conns):
                        for w in pair:
                            if w is not None:
                                w.transport.abort()
                link.mode = None
        self._call(heal_all())

    def close(self):
        async def close_all():
            for link in self.links.values():
                link.mode = "reset"
                if link.server is not None:
                    link.server.close()
                for pair in list(link.conns):
                    for w in pair:
                        if w is not None:
                            w.transport.abort()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        try:
            self._call(close_all())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)
            if not self.thread.is_alive():
                self.loop.close()
