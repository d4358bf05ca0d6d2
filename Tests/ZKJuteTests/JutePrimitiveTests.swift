import NIOCore
import Testing
import ZKJute
import ZKTestSupport
import ZKTestSupport

/// The jute primitives: byte order, null versus empty, and the -1 marker.
@Suite struct JutePrimitiveTests {
    @Test func integersAreBigEndian() throws {
        var b = ByteBuffer()
        b.writeJuteInt(0x01020304); b.writeJuteLong(-2); b.writeJuteBool(true); b.writeJuteBool(false)
        #expect(b.allBytes == hexBytes("01020304 fffffffffffffffe 01 00"))
        #expect(try b.readJuteInt() == 0x01020304)
        #expect(try b.readJuteLong() == -2)
        #expect(try b.readJuteBool() == true)
        #expect(try b.readJuteBool() == false)
        #expect(b.readableBytes == 0)
    }

    @Test func anyNonZeroByteReadsAsTrue() throws {
        var b = ByteBuffer(bytes: [2, 0xff])
        #expect(try b.readJuteBool())
        #expect(try b.readJuteBool())
    }

    @Test func nullAndEmptyBuffersAreDistinctOnTheWire() throws {
        var b = ByteBuffer()
        b.writeJuteBuffer(nil); b.writeJuteBuffer([]); b.writeJuteBuffer([0xab, 0xcd])
        #expect(b.allBytes == hexBytes("ffffffff 00000000 00000002abcd"))
        var optional = b
        #expect(try optional.readJuteOptionalBuffer() == nil)
        #expect(try optional.readJuteOptionalBuffer() == [])
        #expect(try optional.readJuteOptionalBuffer() == [0xab, 0xcd])
        // The non-optional reader treats null as empty, as Apache's server does.
        #expect(try b.readJuteBuffer() == [])
        #expect(try b.readJuteBuffer() == [])
        #expect(try b.readJuteBuffer() == [0xab, 0xcd])
    }

    @Test func nullAndEmptyStringsAreDistinctOnTheWire() throws {
        var b = ByteBuffer()
        b.writeJuteString(nil); b.writeJuteString(""); b.writeJuteString("/z\u{00e9}")
        #expect(b.allBytes == hexBytes("ffffffff 00000000 00000004 2f7ac3a9"))
        var optional = b
        #expect(try optional.readJuteOptionalString() == nil)
        #expect(try optional.readJuteOptionalString() == "")
        #expect(try optional.readJuteOptionalString() == "/z\u{00e9}")
        #expect(try b.readJuteString() == "")
        #expect(try b.readJuteString() == "")
        #expect(try b.readJuteString() == "/z\u{00e9}")
    }

    @Test func stringLengthCountsUTF8Bytes() throws {
        let unicodePath = "/caf\u{00e9}/\u{65e5}\u{672c}/\u{1F600}"
        var b = ByteBuffer()
        b.writeJuteString(unicodePath)
        let utf8 = Array(unicodePath.utf8)
        #expect(b.allBytes == [0, 0, 0, UInt8(utf8.count)] + utf8)
        #expect(try b.readJuteString() == unicodePath)
    }

    @Test func nullAndEmptyVectorsAreDistinctOnTheWire() throws {
        var b = ByteBuffer()
        b.writeJuteStrings(nil); b.writeJuteStrings([]); b.writeJuteStrings(["a", ""])
        #expect(b.allBytes == hexBytes("ffffffff 00000000 00000002 0000000161 00000000"))
        var optional = b
        let read: (inout ByteBuffer) throws(JuteError) -> String = { (x: inout ByteBuffer) throws(JuteError) in try x.readJuteString() }
        #expect(try optional.readJuteOptionalVector("v", minimumElementSize: 4, read) == nil)
        #expect(try optional.readJuteOptionalVector("v", minimumElementSize: 4, read) == [])
        #expect(try optional.readJuteOptionalVector("v", minimumElementSize: 4, read) == ["a", ""])
        #expect(try b.readJuteStrings("v") == [])
        #expect(try b.readJuteStrings("v") == [])
        #expect(try b.readJuteStrings("v") == ["a", ""])
    }

    @Test func exactFitLengthsAreAccepted() throws {
        var b = ByteBuffer(bytes: hexBytes("00000003 616263"))
        #expect(try b.readJuteString() == "abc")
        var v = ByteBuffer(bytes: hexBytes("00000002 00000000 00000000"))
        #expect(try v.readJuteStrings("v") == ["", ""])
    }
}
