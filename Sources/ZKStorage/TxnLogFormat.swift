import NIOCore
import ZKDataTree
import ZKJute
import ZKProtocol

/// Apache's transaction log format (FileTxnLog), so logs move between zkserver and Apache ZooKeeper:
/// a FileHeader {int magic "ZKLG", int version 2, long dbid}, then per transaction
/// {long crc (Adler32 of the entry); int length; entry bytes (TxnHeader, txn record, optional TxnDigest);
/// byte 0x42 'B'}. The file is preallocated with zeros; a zero length marks the end.
public enum TxnLogFormat {
    public static let magic: Int32 = 0x5A4B_4C47  // "ZKLG"
    public static let version: Int32 = 2
    public static let headerSize = 16
    public static let endOfRecord: UInt8 = 0x42

    public static func fileName(firstZxid: Int64) -> String { "log." + String(firstZxid, radix: 16) }

    public static func zxid(fromFileName name: String, prefix: String) -> Int64? {
        guard name.hasPrefix(prefix + ".") else { return nil }
        return Int64(name.dropFirst(prefix.count + 1), radix: 16)
    }

    public static func writeHeader(into b: inout ByteBuffer, dbid: Int64 = 0) {
        b.writeJuteInt(magic); b.writeJuteInt(version); b.writeJuteLong(dbid)
    }

    /// Appends one framed entry around a transaction already serialized (TxnHeader then its record), as an
    /// ensemble member logs the bytes Zab proposed: the transaction is not encoded a second time.
    public static func writeEntry(serialized: ByteBuffer, into b: inout ByteBuffer) {
        var adler = Adler32()
        serialized.withUnsafeReadableBytes { adler.update($0) }
        b.writeInteger(Int64(adler.value))
        b.writeInteger(Int32(serialized.readableBytes))
        var bytes = serialized
        b.writeBuffer(&bytes)
        b.writeInteger(endOfRecord)
    }

    /// Appends one framed entry.
    public static func writeEntry(_ txn: Transaction, into b: inout ByteBuffer) {
        let crcIndex = b.writerIndex
        b.writeJuteLong(0)
        let lengthIndex = b.writerIndex
        b.writeJuteInt(0)
        let start = b.writerIndex
        txn.header.encode(into: &b)
        txn.body.encode(into: &b)
        let length = b.writerIndex - start
        b.setInteger(Int32(length), at: lengthIndex)
        let crc = b.withUnsafeReadableBytes { all -> UInt32 in
            var adler = Adler32()
            adler.update(UnsafeRawBufferPointer(rebasing: all[(start - b.readerIndex)..<(start - b.readerIndex + length)]))
            return adler.value
        }
        b.setInteger(Int64(crc), at: crcIndex)
        b.writeInteger(endOfRecord)
    }

    public enum ReadOutcome: Equatable, Sendable {
        /// Clean end: the zero padding, or the end of the bytes exactly at an entry boundary.
        case end
        /// An entry was cut short or failed its checksum at this offset, with nothing valid after it:
        /// a torn write that was never acknowledged.
        case torn(offset: Int, reason: String)
        /// A damaged entry followed by valid ones: the damage is not from a crash, and cutting there
        /// would lose acknowledged writes.
        case corrupt(offset: Int, reason: String)
    }

    public struct ReadResult: Sendable {
        public var transactions: [Transaction]
        /// Each transaction's bytes as logged (TxnHeader, record, and a TxnDigest if Apache wrote one):
        /// slices of the file's buffer, for a reader that needs the bytes without encoding them again.
        public var payloads: [ByteBuffer] = []
        /// Offset just past the last good entry (where a truncation would cut).
        public var validLength: Int
        /// Offset just past each transaction, in order (where a truncation after it would cut).
        public var entryEnds: [Int] = []
        public var outcome: ReadOutcome
    }

    public enum HeaderError: Error, Equatable { case badMagic(Int32), badVersion(Int32), tooShort }

    public static func readHeader(_ bytes: inout ByteBuffer) throws -> Int64 {
        guard bytes.readableBytes >= headerSize else { throw HeaderError.tooShort }
        let m = try bytes.readJuteInt()
        guard m == magic else { throw HeaderError.badMagic(m) }
        let v = try bytes.readJuteInt()
        guard v == version else { throw HeaderError.badVersion(v) }
        return try bytes.readJuteLong()
    }

    /// Whether a checksummed entry starts right here.
    static func startsValidEntry(_ bytes: ByteBuffer) -> Bool {
        var b = bytes
        guard let crc = b.readInteger(as: Int64.self), let length = b.readInteger(as: Int32.self), length > 0,
              let entry = b.readSlice(length: Int(length)), b.readInteger(as: UInt8.self) == endOfRecord else { return false }
        return Int64(entry.withUnsafeReadableBytes { var a = Adler32(); a.update($0); return a.value }) == crc
    }

    /// Reads every valid entry of one log file's contents (header included).
    public static func read(file bytes: ByteBuffer) throws -> ReadResult {
        var b = bytes
        _ = try readHeader(&b)
        var transactions: [Transaction] = []
        var payloads: [ByteBuffer] = []
        var ends: [Int] = []
        func result(_ offset: Int, _ outcome: ReadOutcome) -> ReadResult {
            ReadResult(transactions: transactions, payloads: payloads, validLength: offset, entryEnds: ends, outcome: outcome)
        }
        while true {
            let offset = b.readerIndex - bytes.readerIndex
            if !transactions.isEmpty && ends.count < transactions.count { ends.append(offset) }
            guard b.readableBytes >= 12 else {
                return result(offset, b.readableBytes == 0 ? .end : .torn(offset: offset, reason: "partial entry header"))
            }
            let crc = b.readInteger(as: Int64.self)!
            let length = b.readInteger(as: Int32.self)!
            // Zero padding ends the log. Anything after a hole was written after the last fsync that
            // covered the hole, so it was never acknowledged.
            if length == 0 && crc == 0 {
                return result(offset, .end)
            }
            guard length > 0, b.readableBytes >= Int(length) + 1 else {
                return result(offset, .torn(offset: offset, reason: "entry cut short"))
            }
            guard var entry = b.readSlice(length: Int(length)), b.readInteger(as: UInt8.self) == endOfRecord,
                  Int64(entry.withUnsafeReadableBytes { var a = Adler32(); a.update($0); return a.value }) == crc else {
                let outcome: ReadOutcome = startsValidEntry(b)
                    ? .corrupt(offset: offset, reason: "checksum mismatch")
                    : .torn(offset: offset, reason: "checksum mismatch")
                return result(offset, outcome)
            }
            let payload = entry
            do {
                let header = try TxnHeader(from: &entry)
                let body = try TxnBody.decode(type: header.type, from: &entry)
                // A trailing TxnDigest (Apache 3.6+) may follow; it is not needed to rebuild the tree.
                transactions.append(Transaction(header: header, body: body))
                payloads.append(payload)
            } catch {
                return result(offset, .torn(offset: offset, reason: "undecodable entry: \(error)"))
            }
        }
    }
}
