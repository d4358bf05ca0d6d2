import NIOCore
import ZKJute

/// A client's write (or session creation, close, or sync) that a learner hands to the leader, decoded:
/// REQUEST's data is a `LearnerRequest` (session, cxid, type, the body as the client sent it) and the
/// connection's identities travel in the packet's authinfo.
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

    /// REQUEST's data.
    public var learnerRequest: LearnerRequest {
        var b = ByteBuffer()
        request.encode(into: &b)
        b.moveReaderIndex(forwardBy: 8)  // the RequestHeader's xid and type are LearnerRequest fields
        if request.opCodeValue == OpCode.createSession.rawValue, let sessionTimeout { b.writeJuteInt(sessionTimeout) }
        return LearnerRequest(sessionId: sessionId, cxid: request.xid, type: request.opCodeValue,
                              request: b.readBytes(length: b.readableBytes) ?? [])
    }

    public init(_ learnerRequest: LearnerRequest, authIds: [Id]) throws(JuteError) {
        var b = ByteBuffer()
        RequestHeader(xid: learnerRequest.cxid, type: learnerRequest.type).encode(into: &b)
        b.writeBytes(learnerRequest.request)
        sessionId = learnerRequest.sessionId
        request = try ClientRequest(frame: &b)
        if learnerRequest.type == OpCode.createSession.rawValue {
            sessionTimeout = try b.readJuteInt("REQUEST.createSession.timeOut")
        }
        self.authIds = authIds
    }
}
