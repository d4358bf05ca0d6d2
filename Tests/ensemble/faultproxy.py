"""A fault-injecting TCP proxy (asyncio, in a background thread) for the links between
ensemble peers.

Every directed pair of servers (i -> j) gets two proxy ports, forwarding to j's real quorum and
election ports; server i's zoo.cfg names the proxy ports in its server.j line (its own line keeps
its real ports). Cutting a server then means: every link from or to it stops carrying bytes.

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
        try:
            up_reader, up_writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", link.target_port), 5)
        except (OSError, asyncio.TimeoutError):
            writer.transport.abort()
            return
        pair = (writer, up_writer)
        link.conns.add(pair)
        try:
            await asyncio.gather(self._pipe(link, reader, up_writer), self._pipe(link, up_reader, writer))
        finally:
            link.conns.discard(pair)
            for w in pair:
                w.transport.abort()

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
                        w.transport.abort()
        try:
            self._call(close_all())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)
