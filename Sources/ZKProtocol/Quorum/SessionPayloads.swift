import NIOCore
import ZKJute

/// One (sessionId, timeout) pair of a learner's PING reply.
public struct SessionTouch: Hashable, Sendable {
    public var sessionId: Int64
    public var timeout: Int32
    public init(sessionId: Int64, timeout: Int32) { self.sessionId = sessionId; self.timeout = timeout }
}

/// The data of a learner's PING reply (Learner.ping): the sessions its clients touched since the last
/// ping, as back-to-back (long sessionId, int timeout) pairs with no count; the list ends with the data.
/// The leader's PING itself carries no data. LearnerHandler reads pairs while bytes remain, so a
/// trailing partial pair breaks the connection there; here it is a truncation error.
public struct SessionTouches: JuteRecord, Hashable {
    public var sessions: [SessionTouch]
    public init(sessions: [SessionTouch]) { self.sessions = sessions }

    public func encode(into b: inout ByteBuffer) {
        for s in sessions { b.writeJuteLong(s.sessionId); b.writeJuteInt(s.timeout) }
    }

    /// Consumes the rest of the buffer.
    public init(from b: inout ByteBuffer) throws(JuteError) {
        var sessions: [SessionTouch] = []
        sessions.reserveCapacity(b.readableBytes / 12)
        while b.readableBytes > 0 {
            let id = try b.readJuteLong("PING.sessionId")
            sessions.append(SessionTouch(sessionId: id, timeout: try b.readJuteInt("PING.timeout")))
        }
        self.sessions = sessions
    }
}

/// REVALIDATE from a learner (Learner.validateSession, packet zxid -1): a reconnecting client's
/// session id and the timeout it asked for.
public struct RevalidateRequest: JuteRecord, Hashable {
    public var sessionId: Int64
    public var timeout: Int32
    public init(sessionId: Int64, timeout: Int32) { self.sessionId = sessionId; self.timeout = timeout }
    public func encode(into b: inout ByteBuffer) { b.writeJuteLong(sessionId); b.writeJuteInt(timeout) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        sessionId = try b.readJuteLong("REVALIDATE.sessionId"); timeout = try b.readJuteInt("REVALIDATE.timeout")
    }
}

/// REVALIDATE answer from the leader (Leader.revalidateSession): the request packet sent back with
/// its data replaced by the session id and a DataOutputStream boolean (one byte, non-zero is true).
public struct RevalidateReply: JuteRecord, Hashable {
    public var sessionId: Int64
    public var valid: Bool
    public init(sessionId: Int64, valid: Bool) { self.sessionId = sessionId; self.valid = valid }
    public func encode(into b: inout ByteBuffer) { b.writeJuteLong(sessionId); b.writeJuteBool(valid) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        sessionId = try b.readJuteLong("REVALIDATE.sessionId"); valid = try b.readJuteBool("REVALIDATE.valid")
    }
}
