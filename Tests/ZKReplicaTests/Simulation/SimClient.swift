import DequeModule
import NIOCore
import ZKProtocol
@testable import ZKServerCore

/// A ZooKeeper client session in the simulation: it connects to a member, sends requests over its connection
/// and decodes the frames that come back, checking as it goes that replies come in request order, that the
/// zxid it has seen never goes back and that a watch fires at most once and before the change can be read.
/// Its writes and sync+reads go into a history for the linearizability check.
struct SimClient {
    let index: Int
    var sessionId: Int64 = 0
    var passwd = [UInt8](repeating: 0, count: 16)
    var connection: ConnectionID?
    var connected = false
    var member: Int64?
    var nextXid: Int32 = 1
    var pending = Deque<PendingRequest>()
    var lastZxid: Int64 = 0
    var lastSent = 0
    /// Watches the server holds for this connection: per path, the node as the read that set it saw it
    /// (its mzxid, or nil when absent).
    var watches: [String: Int64?] = [:]
    var history: [HistoryOp] = []
    var sequence = 0
    /// closeSession is sent: like a real client, this one sends nothing more on the session.
    var closing = false

    init(index: Int) { self.index = index }

    struct PendingRequest {
        var xid: Int32
        var kind: Kind
        /// The history entry this request completes.
        var op: Int?
    }

    enum Kind {
        case create(String), setData(String), delete(String), multiSet(String), ephemeral(String)
        case syncBeforeRead, read(String, watch: Bool), getData(String, watch: Bool), exists(String, watch: Bool)
        case ping, close
    }

    // MARK: Acting

    mutating func step(world: ClusterWorld) {
        guard let connection else { return connect(world: world) }
        guard connected, !closing else { return }
        let issuing = world.faultsActive || world.now < world.options.faultMillis + world.options.quietMillis / 2
        if issuing, world.rng.chance(world.options.moveRate) {
            world.note("client \(index) moves its session away from \(member ?? 0)")
            world.hangUp(connection)
            return connectionLost(connection, world: world)
        }
        if world.now - lastSent > 300 { send(.ping, .ping, world: world) }
        guard issuing, pending.count < 4 else { return }
        let key = "/k\(world.rng.below(world.options.keys))"
        sequence += 1
        let value = "c\(index)-\(sequence)"
        switch world.rng.below(20) {
        case 0...2: write(.create, key, value, world: world)
        case 3...6: write(.set, key, value, world: world)
        case 7...8: write(.delete, key, value, world: world)
        case 9...10: write(.multiSet, key, value, world: world)
        case 11...14:
            // sync then read: the pair is the linearizable read.
            history.append(HistoryOp(key: key, kind: .read, call: world.now))
            history[history.count - 1].client = index
            send(.sync(SyncRequest(path: key)), .syncBeforeRead, world: world)
            let watch = world.rng.chance(0.5)
            send(.getData(GetDataRequest(path: key, watch: watch)), .read(key, watch: watch), op: history.count - 1, world: world)
        case 15:
            send(.exists(ExistsRequest(path: key, watch: true)), .exists(key, watch: true), world: world)
        case 16:
            send(.getData(GetDataRequest(path: key, watch: true)), .getData(key, watch: true), world: world)
        case 17...18 where sessionId != 0:
            let path = "/e\(index)-\(sequence)"
            send(.create(CreateRequest(path: path, data: [], acl: ACL.openACLUnsafe, flags: 1)), .ephemeral(path), world: world)
        default:
            if world.rng.chance(0.3) {
                send(.closeSession, .close, world: world)
                closing = true
            }
        }
    }

    private mutating func write(_ kind: HistoryOp.Kind, _ key: String, _ value: String, world: ClusterWorld) {
        history.append(HistoryOp(key: key, kind: kind, value: value, call: world.now))
        history[history.count - 1].client = index
        let op = history.count - 1
        let data = Array(value.utf8)
        switch kind {
        case .create: send(.create(CreateRequest(path: key, data: data, acl: ACL.openACLUnsafe, flags: 0)), .create(key), op: op, world: world)
        case .set: send(.setData(SetDataRequest(path: key, data: data, version: -1)), .setData(key), op: op, world: world)
        case .delete: send(.delete(DeleteRequest(path: key, version: -1)), .delete(key), op: op, world: world)
        case .multiSet:
            let ops: [MultiOp] = [.check(CheckVersionRequest(path: key, version: -1)),
                                  .setData(SetDataRequest(path: key, data: data, version: -1))]
            send(.multi(MultiRequest(ops: ops)), .multiSet(key), op: op, world: world)
        case .read: break
        }
    }

    private mutating func send(_ body: ClientRequest.Body, _ kind: Kind, op: Int? = nil, world: ClusterWorld) {
        guard let connection else { return }
        let xid: Int32
        if case .ping = kind { xid = -2 } else { xid = nextXid; nextXid += 1 }
        let opCode: OpCode
        switch body {
        case .create: opCode = .create
        case .setData: opCode = .setData
        case .delete: opCode = .delete
        case .multi: opCode = .multi
        case .sync: opCode = .sync
        case .getData: opCode = .getData
        case .exists: opCode = .exists
        case .closeSession: opCode = .closeSession
        default: opCode = .ping
        }
        pending.append(PendingRequest(xid: xid, kind: kind, op: op))
        world.note("client \(index) → \(member ?? 0) xid \(xid) \(kind)")
        lastSent = world.now
        world.sendToServer(client: index, connection: connection, .request(ClientRequest(xid: xid, op: opCode, body: body)))
    }

    private mutating func connect(world: ClusterWorld) {
        let up = world.ids.filter { world.members[$0]?.replica != nil && $0 != member }
        guard let target = world.rng.pick(up), let connection = world.open(client: index, to: target) else { return }
        self.connection = connection
        member = target
        lastSent = world.now
        world.sendToServer(client: index, connection: connection,
                           .connect(ConnectRequest(lastZxidSeen: lastZxid, timeOut: 1_200, sessionId: sessionId, passwd: passwd, readOnly: false)))
    }

    // MARK: Hearing back

    mutating func connectionLost(_ lost: ConnectionID, world: ClusterWorld) {
        guard lost == connection else { return }
        connection = nil
        connected = false
        closing = false
        watches = [:]
        // A write in flight may or may not have happened; a read in flight tells nothing.
        for request in pending {
            guard let op = request.op else { continue }
            if history[op].kind == .read { history[op].discarded = true } else { history[op].result = .unknown }
        }
        pending = []
    }

    mutating func received(_ bytes: ByteBuffer, on from: ConnectionID, world: ClusterWorld) {
        guard from == connection else { return }
        var bytes = bytes
        while let frame = try? FrameDecoder.nextFrame(from: &bytes, maxFrameLength: 1 << 20) {
            var frame = frame
            if !connected {
                guard let response = try? ConnectResponse(from: &frame) else { return world.fail("client \(index): bad connect response") }
                if response.timeOut <= 0 {
                    world.note("client \(index): session 0x\(String(sessionId, radix: 16)) expired")
                    sessionId = 0
                    passwd = [UInt8](repeating: 0, count: 16)
                    lastZxid = 0
                    return
                }
                if sessionId != 0 && response.sessionId != sessionId {
                    return world.fail("client \(index): resumed 0x\(String(sessionId, radix: 16)) but got 0x\(String(response.sessionId, radix: 16))")
                }
                sessionId = response.sessionId
                passwd = response.passwd
                connected = true
                continue
            }
            guard let header = try? ReplyHeader(from: &frame) else { return world.fail("client \(index): undecodable reply") }
            if header.xid == SpecialXid.notification {
                guard let event = try? WatcherEvent(from: &frame) else { return world.fail("client \(index): undecodable event") }
                guard watches.removeValue(forKey: event.path) != nil else {
                    return world.fail("client \(index): watch event \(event.type) for \(event.path) with no watch set (fired twice?)")
                }
                continue
            }
            world.note("client \(index) ← xid \(header.xid) err \(header.err) zxid 0x\(String(header.zxid, radix: 16))")
            guard let request = pending.popFirst() else { return world.fail("client \(index): reply xid \(header.xid) with nothing pending") }
            guard request.xid == header.xid else {
                if let connection, let wiring = world.connections[connection], let core = world.members[wiring.member]?.replica?.core {
                    world.note("member \(wiring.member) holds for this connection: \(core.deferred[connection].map { Array($0) } ?? []); "
                               + "forwarded: \(core.learnerState?.forwardedOrigins.keys.map { "\($0.sessionId):\($0.cxid)" } ?? [])")
                }
                return world.fail("client \(index): reply xid \(header.xid) while \(request.xid) was the oldest pending: out of order")
            }
            if header.zxid < lastZxid {
                return world.fail("client \(index): reply zxid 0x\(String(header.zxid, radix: 16)) behind 0x\(String(lastZxid, radix: 16)) already seen")
            }
            lastZxid = header.zxid
            world.checker.highestSeen = max(world.checker.highestSeen, header.zxid)
            handleReply(request, ErrorCode(rawValue: header.err), &frame, world: world)
            if world.failure != nil { return }
        }
    }

    private mutating func handleReply(_ request: PendingRequest, _ err: ErrorCode, _ frame: inout ByteBuffer, world: ClusterWorld) {
        func finish(_ result: HistoryOp.Result) {
            if let op = request.op { history[op].result = result; history[op].ret = world.now }
        }
        func writeResult() -> HistoryOp.Result {
            switch err {
            case .ok: return .ok
            case .noNode: return .noNode
            case .nodeExists: return .exists
            default: return .unknown
            }
        }
        switch request.kind {
        case .setData(let path):
            if err == .ok, let stat = try? StatRecord(from: &frame) { checkWatchFired(path, changedAt: stat.stat.mzxid, world: world) }
            fallthrough
        case .create, .delete:
            let result = writeResult()
            if result == .unknown { history[request.op!].result = .unknown } else { finish(result) }
        case .multiSet(let path):
            var result = HistoryOp.Result.unknown
            if let response = try? MultiResponse(from: &frame) {
                let errors = response.results.compactMap { if case .error(let code) = $0 { return code } else { return nil } }
                if errors.isEmpty { result = .ok } else if errors.contains(.noNode) { result = .noNode }
                for case .setData(let stat) in response.results { checkWatchFired(path, changedAt: stat.mzxid, world: world) }
            }
            if result == .unknown { history[request.op!].result = .unknown } else { finish(result) }
        case .ephemeral:
            break
        case .syncBeforeRead:
            if err != .ok, let next = pending.first, let op = next.op { history[op].discarded = true }
        case .read(let path, let watch):
            let seen = readReply(path, err, &frame, watch: watch, world: world)
            guard let op = request.op, !history[op].discarded else { return }
            switch seen {
            case .some(.some(let value)): finish(.value(value))
            case .some(.none): finish(.noNode)
            case .none: history[op].discarded = true
            }
        case .getData(let path, let watch), .exists(let path, let watch):
            _ = readReply(path, err, &frame, watch: watch, world: world, exists: { if case .exists = request.kind { return true } else { return false } }())
        case .ping:
            break
        case .close:
            if err == .ok {
                world.note("client \(index) closed session 0x\(String(sessionId, radix: 16))")
                sessionId = 0
                passwd = [UInt8](repeating: 0, count: 16)
            }
        }
    }

    /// Decodes a getData or exists reply: the node's data (nil if absent), or nil when the read failed. A read
    /// that shows a node other than the one a pending watch was set on means the watch did not fire first.
    private mutating func readReply(_ path: String, _ err: ErrorCode, _ frame: inout ByteBuffer, watch: Bool, world: ClusterWorld,
                                    exists: Bool = false) -> String??
    {
        var mzxid: Int64?
        var value: String?
        if err == .ok {
            if exists {
                guard let stat = try? StatRecord(from: &frame) else { return nil }
                mzxid = stat.stat.mzxid
            } else {
                guard let response = try? GetDataResponse(from: &frame) else { return nil }
                mzxid = response.stat.mzxid
                value = String(decoding: response.data ?? [], as: UTF8.self)
            }
        } else if err != .noNode {
            return nil
        }
        if let registered = watches[path], registered != mzxid {
            world.fail("client \(index): read \(path) at mzxid \(mzxid.map(String.init) ?? "absent") before the watch set at "
                       + "\(registered.map(String.init) ?? "absent") fired")
        }
        // exists sets a watch either way; getData only on a node that exists.
        if watch, watches[path] == nil, exists || mzxid != nil { watches[path] = .some(mzxid) }
        return .some(err == .ok ? (exists ? "" : value) : nil)
    }

    /// This client's own write changed `path` at `zxid`: a watch set on an older version must have fired
    /// before the reply.
    private func checkWatchFired(_ path: String, changedAt zxid: Int64, world: ClusterWorld) {
        if let registered = watches[path], let seen = registered, seen < zxid {
            world.fail("client \(index): its own write's reply on \(path) (mzxid \(zxid)) came before the watch set at \(seen) fired")
        }
    }
}
