import NIOCore
import ZKJute

/// The first bytes on an election connection, written by the connecting server
/// (QuorumCnxManager.initiateConnection) and read by the accepting one (handleConnection,
/// InitialMessage.parse): long protocolVersion, long sid, int length, then `length` bytes of UTF-8
/// election addresses, "host:port" (V1) or several joined by "|" (V2, written only when
/// multiAddress.enabled is set). Before 3.5 the message was the sid alone; a first long >= 0 is still
/// read that way. Nothing is sent back: after this (and quorum SASL, when enabled) both sides exchange
/// length-framed election messages (ElectionFraming). If the accepted sid is smaller than the accepting
/// server's own, that server closes the connection and dials back; the dialler likewise drops its
/// connection to a larger sid -- only the larger id keeps a connection it initiated.
public struct ElectionInitialMessage: Hashable, Sendable {
    /// Sent by every 3.5+ server unless multi-address is enabled.
    public static let protocolVersion1: Int64 = -65536
    /// Multiple addresses (ZOOKEEPER-3188, 3.6+).
    public static let protocolVersion2: Int64 = -65535
    /// QuorumCnxManager.maxBuffer: the address part must be 1...2048 bytes.
    public static let maxAddressLength = 2048
    /// QuorumPeer.OBSERVER_ID: the sid an observer without an id announces; Apache replaces it with a
    /// decreasing negative counter.
    public static let observerSid = Int64.max

    public enum Version: Hashable, Sendable {
        /// The pre-3.5 form: the sid alone.
        case legacy
        case v1
        case v2

        public var protocolVersion: Int64? {
            switch self {
            case .legacy: return nil
            case .v1: return ElectionInitialMessage.protocolVersion1
            case .v2: return ElectionInitialMessage.protocolVersion2
            }
        }
    }

    public var version: Version
    public var sid: Int64
    /// The "host:port" strings as sent, in order (split on "|" keeping empty parts, so the bytes
    /// re-encode exactly); empty for the legacy form.
    public var addresses: [String]

    public init(version: Version, sid: Int64, addresses: [String]) {
        self.version = version; self.sid = sid; self.addresses = addresses
    }

    public func encode(into b: inout ByteBuffer) {
        guard let protocolVersion = version.protocolVersion else { return b.writeJuteLong(sid) }
        b.writeJuteLong(protocolVersion)
        b.writeJuteLong(sid)
        b.writeJuteString(addresses.joined(separator: "|"))
    }

    public func encodedBytes() -> [UInt8] {
        var b = ByteBuffer()
        encode(into: &b)
        return b.readBytes(length: b.readableBytes) ?? []
    }

    /// The message at the start of `buffer`, or nil until all of it has arrived (the buffer is then
    /// untouched). Throws where Apache closes the connection: an unknown negative protocol version or an
    /// address length outside 1...2048.
    public static func decode(from buffer: inout ByteBuffer) throws(JuteError) -> ElectionInitialMessage? {
        let start = buffer.readerIndex
        guard let first = buffer.getInteger(at: start, as: Int64.self) else { return nil }
        if first >= 0 {
            buffer.moveReaderIndex(forwardBy: 8)
            return ElectionInitialMessage(version: .legacy, sid: first, addresses: [])
        }
        let version: Version
        switch first {
        case protocolVersion1: version = .v1
        case protocolVersion2: version = .v2
        default: throw .invalidValue(field: "InitialMessage.protocolVersion", value: first)
        }
        guard let sid = buffer.getInteger(at: start + 8, as: Int64.self),
              let length = buffer.getInteger(at: start + 16, as: Int32.self) else { return nil }
        guard length > 0, Int(length) <= maxAddressLength else {
            throw .invalidLength(field: "InitialMessage.addresses", length: length)
        }
        guard let text = buffer.getString(at: start + 20, length: Int(length)) else { return nil }
        buffer.moveReaderIndex(forwardBy: 20 + Int(length))
        let addresses = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        return ElectionInitialMessage(version: version, sid: sid, addresses: addresses)
    }

    /// Splits "host:port" or "[v6]:port" as ConfigUtils.getHostAndPort does, nil where Apache rejects
    /// the address. (Apache also drops wildcard hosts such as 0.0.0.0, which needs name resolution.)
    public static func hostAndPort(_ address: String) -> (host: String, port: Int)? {
        let host: Substring, rest: Substring
        if address.hasPrefix("[") {
            guard let close = address.firstIndex(of: "]") else { return nil }
            host = address[address.index(after: address.startIndex)..<close]
            rest = address[address.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
        } else {
            let parts = address.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            host = parts[0]
            rest = ":" + parts[1]
        }
        guard let port = Int(rest.dropFirst()), (0...65535).contains(port) else { return nil }
        return (String(host), port)
    }
}
