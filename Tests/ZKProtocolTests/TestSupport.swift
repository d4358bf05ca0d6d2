import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

// Shared helpers for the codec tests: round trips, sample values and a seeded PRNG (hex is ZKTestSupport's).


/// Encodes `value`, checks the size when given, decodes exactly those bytes and checks equality and
/// that re-encoding the decoded value gives the same bytes.
func expectRoundTrip<T: JuteRecord & Equatable>(
    _ value: T, size: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let bytes = value.encodedBytes()
    if let size {
        #expect(bytes.count == size, "encoded size of \(T.self)", sourceLocation: sourceLocation)
    }
    let decoded = try T(bytes: bytes)
    #expect(decoded == value, sourceLocation: sourceLocation)
    #expect(decoded.encodedBytes() == bytes, sourceLocation: sourceLocation)
}

/// Encodes a client request, decodes it back, and checks equality and byte stability.
func expectRoundTrip(_ request: ClientRequest, size: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
    var buffer = ByteBuffer()
    request.encode(into: &buffer)
    let bytes = buffer.allBytes
    if let size { #expect(bytes.count == size, sourceLocation: sourceLocation) }
    let decoded = try ClientRequest(frame: &buffer)
    #expect(buffer.readableBytes == 0, "request left bytes unread", sourceLocation: sourceLocation)
    #expect(decoded == request, sourceLocation: sourceLocation)
    var again = ByteBuffer()
    decoded.encode(into: &again)
    #expect(again.allBytes == bytes, sourceLocation: sourceLocation)
}

/// Encoded sizes of jute primitives, to state expected record sizes as sums of their fields.
enum Size {
    static let int = 4, long = 8, bool = 1
    static func string(_ s: String?) -> Int { 4 + (s?.utf8.count ?? 0) }
    static func buffer(_ b: [UInt8]?) -> Int { 4 + (b?.count ?? 0) }
    static func strings(_ v: [String]) -> Int { 4 + v.reduce(0) { $0 + string($1) } }
    static func acl(_ v: [ACL]) -> Int { 4 + v.reduce(0) { $0 + 4 + string($1.id.scheme) + string($1.id.id) } }
    static let stat = 68
    static let multiHeader = 9
}

/// Sample values with every field distinct, so a swapped field shows up.
enum Samples {
    static let stat = Stat(czxid: 0x0102030405060708, mzxid: 0x1112131415161718, ctime: 1_700_000_000_123,
                           mtime: 1_700_000_000_456, version: 7, cversion: -3, aversion: 2,
                           ephemeralOwner: 0x7a0000011, dataLength: 5, numChildren: 9, pzxid: Int64.max)
    static let stat2: Stat = {
        var s = Stat(); s.czxid = -1; s.version = Int32.min; s.pzxid = Int64.min; s.dataLength = 0x7fffffff; return s
    }()
    static let acls = [
        ACL(perms: .all, id: .anyone),
        ACL(perms: [.read, .admin], id: Id(scheme: "digest", id: "bob:2jmj7l5rSw0yVb/vlWAYkK/YBwk=")),
        ACL(perms: Perms(rawValue: 0), id: Id(scheme: "ip", id: "10.0.0.0/8")),
    ]
    static let data: [UInt8] = Array("hello, \u{00e9}t\u{00e9}".utf8) + [0, 255, 128]
    static let unicodePath = "/caf\u{00e9}/\u{65e5}\u{672c}/\u{1F600}"
}

/// xorshift64*: small, fast and deterministic, so a fuzz failure reproduces from its seed.
struct XorShift: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E3779B97F4A7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        return state &* 0x2545F4914F6CDD1D
    }
    mutating func bytes(count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

/// Decodes exactly one record. Goes through the protocol so that a memberwise `init(bytes:)` (BufferRecord
/// has one) cannot shadow JuteDecodable's decoding `init(bytes:)`.
func decodeRecord<T: JuteDecodable>(_: T.Type, _ bytes: [UInt8]) throws(JuteError) -> T { try T(bytes: bytes) }
