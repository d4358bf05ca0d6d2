import NIOCore
import ZKJute

/// A client's write (or session creation, close, or sync) that a learner hands to the leader: the data of
/// Apache's REQUEST quorum packet, `long sessionId, int cxid, int type` then the request body as the client
/// sent it, with the connection's identities travelling in the packet's authinfo.
public struct ForwardedRequest: Sendable, Hashable {
    public var sessionId: Int64
    /// The client's request; its xid is the cxid the transaction will carry.
    public var request: ClientRequest
    /// createSession's body: the negotiated timeout (Apache writes it as a bare int).
    public var sessionTimeout: Int32?
    public var authIds: [Id]

    public init(sessionId: Int64, request: ClientRequest, sessionTimeout: Int32? = nil, authIds: [Id] = []) {
        self.sessionId = sessionId; self.request = request; self.sessionTimeout = sessionTimeout; self.authIds = authIds
    }

    public var cxid: Int32 { request.xid }

    /// REQUEST's data bytes (authIds go in the packet's authinfo, not here).
    public func encodeData(into b: inout ByteBuffer) {
        b.writeJuteLong(sessionId)
        request.encode(into: &b)
        if request.opCodeValue == OpCode.createSession.rawValue, let sessionTimeout { b.writeJuteInt(sessionTimeout) }
    }

    public init(data b: inout ByteBuffer, authIds: [Id]) throws(JuteError) {
        sessionId = try b.readJuteLong("REQUEST.sessionId")
        let start = b
        request = try ClientRequest(frame: &b)
        if request.opCodeValue == OpCode.createSession.rawValue {
            sessionTimeout = try b.readJuteInt("REQUEST.createSession.timeOut")
        } else if case .unknown = request.body, request.opCodeValue != OpCode.closeSession.rawValue {
            // Keep what we could not read, so a newer peer's request is refused by type, not by length.
            b = start
            b.moveReaderIndex(forwardBy: 8)
            b.moveReaderIndex(to: b.writerIndex)
        }
        self.authIds = authIds
    }
}
