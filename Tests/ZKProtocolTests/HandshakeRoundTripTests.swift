import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// ConnectRequest/ConnectResponse in both forms: without the readOnly byte (44/36 bytes) and with it (45/37).
@Suite struct HandshakeRoundTripTests {
    static let passwd: [UInt8] = Array(0x10..<0x20)

    @Test(arguments: [nil, false, true] as [Bool?])
    func connectRequest(readOnly: Bool?) throws {
        let r = ConnectRequest(lastZxidSeen: 0x1_0000_0002, timeOut: 30_000, sessionId: 0x1000008ab0000,
                               passwd: Self.passwd, readOnly: readOnly)
        try expectRoundTrip(r, size: readOnly == nil ? 44 : 45)
        #expect(try ConnectRequest(bytes: r.encodedBytes()).readOnly == readOnly)
    }

    @Test(arguments: [nil, false, true] as [Bool?])
    func connectResponse(readOnly: Bool?) throws {
        let r = ConnectResponse(timeOut: 30_000, sessionId: 0x1000008ab0000, passwd: Self.passwd, readOnly: readOnly)
        try expectRoundTrip(r, size: readOnly == nil ? 36 : 37)
        #expect(try ConnectResponse(bytes: r.encodedBytes()).readOnly == readOnly)
    }

    @Test func newSessionRequestBytes() {
        // A fresh session as the Java client sends it: protocol 0, zxid 0, 30s, session 0, 16 zero bytes, readOnly false.
        let r = ConnectRequest(lastZxidSeen: 0, timeOut: 30_000, sessionId: 0, passwd: [UInt8](repeating: 0, count: 16),
                               readOnly: false)
        #expect(r.encodedBytes() == hexBytes("""
            00000000 0000000000000000 00007530 0000000000000000 00000010 00000000000000000000000000000000 00
            """))
    }

    @Test func shortFormDropsOnlyTheTrailingByte() throws {
        let long = ConnectRequest(lastZxidSeen: 9, timeOut: 4000, sessionId: 77, passwd: Self.passwd, readOnly: true)
        var short = long
        short.readOnly = nil
        #expect(Array(long.encodedBytes().dropLast()) == short.encodedBytes())
        #expect(long.encodedBytes().last == 1)
    }

    @Test func emptyAndNullPasswords() throws {
        try expectRoundTrip(ConnectRequest(lastZxidSeen: 0, timeOut: 1, sessionId: 0, passwd: [], readOnly: nil), size: 28)
        try expectRoundTrip(ConnectResponse(timeOut: 1, sessionId: 0, passwd: [], readOnly: false), size: 21)
        // A null passwd (length -1) is read as empty.
        let nullPasswd = hexBytes("00000000 0000000000000000 00000001 0000000000000000 ffffffff")
        #expect(try ConnectRequest(bytes: nullPasswd).passwd == [])
    }

    @Test func expiredResponse() throws {
        let withFlag = ConnectResponse.expired(readOnlyField: true)
        #expect(withFlag.timeOut == 0 && withFlag.sessionId == 0)
        #expect(withFlag.passwd == [UInt8](repeating: 0, count: 16))
        #expect(withFlag.readOnly == false)
        try expectRoundTrip(withFlag, size: 37)
        let withoutFlag = ConnectResponse.expired(readOnlyField: false)
        #expect(withoutFlag.readOnly == nil)
        try expectRoundTrip(withoutFlag, size: 36)
    }

    @Test func moreThanOneTrailingByteIsRejected() {
        var bytes = ConnectRequest(lastZxidSeen: 0, timeOut: 1, sessionId: 0, passwd: Self.passwd, readOnly: false).encodedBytes()
        bytes.append(0)
        #expect(throws: JuteError.trailingBytes(count: 1)) { try ConnectRequest(bytes: bytes) }
    }
}
