import NIOCore
import ZKZab

/// The replicated application: a hash chain over applied transactions, so equal state at equal zxid is
/// one comparison.
struct SimApp: Equatable {
    var applied: Zxid = .zero
    var digest: UInt64 = 0xcbf2_9ce4_8422_2325
    var count: UInt64 = 0

    static func chain(_ digest: UInt64, _ entry: LogEntry) -> UInt64 {
        var h = digest ^ UInt64(bitPattern: entry.zxid.rawValue)
        h &*= 0x100_0000_01b3
        for byte in entry.payload.readableBytesView {
            h ^= UInt64(byte)
            h &*= 0x100_0000_01b3
        }
        return h
    }

    mutating func apply(_ entry: LogEntry) {
        digest = Self.chain(digest, entry)
        applied = entry.zxid
        count += 1
    }

    var snapshot: Snapshot {
        var data: [UInt8] = []
        for value in [UInt64(bitPattern: applied.rawValue), digest, count] {
            for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
        return Snapshot(zxid: applied, data: data)
    }

    init() {}

    init?(snapshot: Snapshot) {
        guard snapshot.data.readableBytes == 24 else { return nil }
        func word(_ i: Int) -> UInt64 { snapshot.data.getInteger(at: snapshot.data.readerIndex + i * 8, as: UInt64.self) ?? 0 }
        applied = Zxid(rawValue: Int64(bitPattern: word(0)))
        digest = word(1)
        count = word(2)
        guard applied == snapshot.zxid else { return nil }
    }
}
