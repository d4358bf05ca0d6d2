import NIOCore
import ZKJute

/// ConnectRequest. In 3.8 the trailing readOnly flag is outside jute: old clients (and the C client)
/// send 44 bytes without it, newer ones 45 with it, and the server mirrors the client's form.
public struct ConnectRequest: JuteRecord, Hashable {
    public var protocolVersion: Int32
    public var lastZxidSeen: Int64
    public var timeOut: Int32
    public var sessionId: Int64
    public var passwd: [UInt8]
    /// nil when the client sent the short form without the flag.
    public var readOnly: Bool?

    public init(protocolVersion: Int32 = 0, lastZxidSeen: Int64, timeOut: Int32, sessionId: Int64,
                passwd: [UInt8], readOnly: Bool?) {
        self.protocolVersion = protocolVersion; self.lastZxidSeen = lastZxidSeen; self.timeOut = timeOut
        self.sessionId = sessionId; self.passwd = passwd; self.readOnly = readOnly
    }

    public func encode(into b: inout ByteBuffer) {
        b.writeJuteInt(protocolVersion); b.writeJuteLong(lastZxidSeen); b.writeJuteInt(timeOut)
        b.writeJuteLong(sessionId); b.writeJuteBuffer(passwd)
        if let readOnly { b.writeJuteBool(readOnly) }
    }

    public init(from b: inout ByteBuffer) throws(JuteError) {
        protocolVersion = try b.readJuteInt("ConnectRequest.protocolVersion")
        lastZxidSeen = try b.readJuteLong("ConnectRequest.lastZxidSeen")
        timeOut = try b.readJuteInt("ConnectRequest.timeOut")
        sessionId = try b.readJuteLong("ConnectRequest.sessionId")
        passwd = try b.readJuteBuffer("ConnectRequest.passwd")
        readOnly = b.readableBytes > 0 ? try b.readJuteBool("ConnectRequest.readOnly") : nil
    }
}

/// ConnectResponse, with the readOnly flag present exactly when the request carried it.
public struct ConnectResponse: JuteRecord, Hashable {
    public var protocolVersion: Int32
    public var timeOut: Int32
    public var sessionId: Int64
    public var passwd: [UInt8]
    public var readOnly: Bool?

    public init(protocolVersion: Int32 = 0, timeOut: Int32, sessionId: Int64, passwd: [UInt8], readOnly: Bool?) {
        self.protocolVersion = protocolVersion; self.timeOut = timeOut; self.sessionId = sessionId
        self.passwd = passwd; self.readOnly = readOnly
    }

    /// The answer to an unknown, expired or wrongly authenticated session: timeout 0, id 0, zero password.
    public static func expired(readOnlyField: Bool) -> ConnectResponse {
        ConnectResponse(timeOut: 0, sessionId: 0, passwd: [UInt8](repeating: 0, count: 16),
                        readOnly: readOnlyField ? false : nil)
    }

    public func encode(into b: inout ByteBuffer) {
        b.writeJuteInt(protocolVersion); b.writeJuteInt(timeOut); b.writeJuteLong(sessionId); b.writeJuteBuffer(passwd)
        if let readOnly { b.writeJuteBool(readOnly) }
    }

    public init(from b: inout ByteBuffer) throws(JuteError) {
        protocolVersion = try b.readJuteInt("ConnectResponse.protocolVersion")
        timeOut = try b.readJuteInt("ConnectResponse.timeOut")
        sessionId = try b.readJuteLong("ConnectResponse.sessionId")
        passwd = try b.readJuteBuffer("ConnectResponse.passwd")
        readOnly = b.readableBytes > 0 ? try b.readJuteBool("ConnectResponse.readOnly") : nil
    }
}
