// Apache's BinaryOutputArchive layout over plain byte arrays (big-endian ints and longs; buffers and
// strings as an int32 length, -1 for null, then the bytes; vectors as an int32 count then elements).
// ZKJute has the same over NIO's ByteBuffer; ZKZab keeps its own so it depends on nothing.

/// Why bytes from a peer could not be decoded. Decoding never traps on input.
public enum ZabCodecError: Error, Hashable, Sendable {
    case truncated(field: String)
    case invalidLength(field: String, length: Int32)
    case unknownPacketType(Int32)
    case unknownServerState(Int32)
    case invalidPacket(String)
}

struct JuteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func int(_ value: Int32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> Int32(shift))) }
    }

    mutating func long(_ value: Int64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> Int64(shift))) }
    }

    mutating func buffer(_ value: [UInt8]?) {
        guard let value else { return int(-1) }
        int(Int32(truncatingIfNeeded: value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ value: String?) { buffer(value.map { Array($0.utf8) }) }

    mutating func raw(_ value: [UInt8]) { bytes.append(contentsOf: value) }
}

struct JuteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func int(_ field: String) throws(ZabCodecError) -> Int32 {
        guard remaining >= 4 else { throw .truncated(field: field) }
        var value: UInt32 = 0
        for i in 0..<4 { value = value << 8 | UInt32(bytes[offset + i]) }
        offset += 4
        return Int32(bitPattern: value)
    }

    mutating func long(_ field: String) throws(ZabCodecError) -> Int64 {
        guard remaining >= 8 else { throw .truncated(field: field) }
        var value: UInt64 = 0
        for i in 0..<8 { value = value << 8 | UInt64(bytes[offset + i]) }
        offset += 8
        return Int64(bitPattern: value)
    }

    mutating func buffer(_ field: String) throws(ZabCodecError) -> [UInt8]? {
        let length = try int(field)
        if length == -1 { return nil }
        guard length >= 0, Int(length) <= remaining else { throw .invalidLength(field: field, length: length) }
        defer { offset += Int(length) }
        return Array(bytes[offset..<offset + Int(length)])
    }

    mutating func string(_ field: String) throws(ZabCodecError) -> String? {
        try buffer(field).map { String(decoding: $0, as: UTF8.self) }
    }

    mutating func vectorCount(_ field: String, minimumElementSize: Int) throws(ZabCodecError) -> Int? {
        let count = try int(field)
        if count == -1 { return nil }
        guard count >= 0, Int(count) <= remaining / minimumElementSize else { throw .invalidLength(field: field, length: count) }
        return Int(count)
    }
}
