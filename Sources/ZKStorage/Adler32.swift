/// Adler-32, the checksum Apache puts on every log entry and snapshot (java.util.zip.Adler32).
public struct Adler32: Sendable {
    private var a: UInt32 = 1
    private var b: UInt32 = 0
    private static let modulus: UInt32 = 65521

    public init() {}

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        // Sum in blocks small enough that the 32-bit accumulators cannot overflow before the modulo.
        var iterator = bytes.makeIterator()
        var remaining = bytes.count
        while remaining > 0 {
            let block = min(remaining, 5552)
            for _ in 0..<block {
                a &+= UInt32(iterator.next()!)
                b &+= a
            }
            a %= Self.modulus
            b %= Self.modulus
            remaining -= block
        }
    }

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        var index = 0
        while index < buffer.count {
            let end = min(index + 5552, buffer.count)
            while index < end {
                a &+= UInt32(buffer[index])
                b &+= a
                index += 1
            }
            a %= Self.modulus
            b %= Self.modulus
        }
    }

    public var value: UInt32 { b << 16 | a }

    public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var adler = Adler32()
        adler.update(bytes)
        return adler.value
    }
}
