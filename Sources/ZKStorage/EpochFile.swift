import NIOCore

/// Apache's acceptedEpoch and currentEpoch: decimal numbers in dataDir/version-2 (QuorumPeer keeps them in
/// FileTxnSnapLog's snapshot directory, not at the top of dataDir), each replaced atomically.
public enum EpochFile {
    public static let accepted = "acceptedEpoch"
    public static let current = "currentEpoch"

    /// What a member starts from, and what loading had to do to get there.
    public struct Epochs: Equatable, Sendable {
        public var accepted: Int64
        public var current: Int64
        public var notes: [String]
    }

    /// Apache's QuorumPeer.loadDataBase: a missing file starts at the epoch of the last zxid on disk and is
    /// written; a currentEpoch older than that zxid is an error unless Apache's interrupted write left
    /// currentEpoch.tmp with the newer one. Files zkserver once kept at the top of dataDir (`legacyDirectory`)
    /// are moved to `directory` the first time.
    public static func load(directory: String, legacyDirectory: String, lastZxid: Int64) throws -> Epochs {
        var notes: [String] = []
        let zxidEpoch = lastZxid >> 32
        func value(_ name: String) throws -> Int64 {
            if let value = try read(directory, name) { return value }
            if let value = try read(legacyDirectory, name) {
                try write(directory, name, value)
                FileSystem.remove(legacyDirectory + "/" + name)
                notes.append("moved \(legacyDirectory)/\(name) to \(directory)/\(name)")
                return value
            }
            try write(directory, name, zxidEpoch)
            notes.append("\(directory)/\(name) not found: created with \(zxidEpoch), the epoch of the last zxid")
            return zxidEpoch
        }
        var current = try value(Self.current)
        if zxidEpoch > current {
            let temporary = directory + "/" + Self.current + ".tmp"
            guard let newer = try? read(directory, Self.current + ".tmp"), newer >= zxidEpoch else {
                throw Recovery.Failure(file: directory + "/" + Self.current, reason:
                    "the current epoch, \(current), is older than the last zxid, 0x\(String(lastZxid, radix: 16))"
                    + (FileSystem.exists(temporary) ? " (and \(temporary) does not hold a newer one)" : ""))
            }
            try write(directory, Self.current, newer)
            notes.append("\(temporary) found: current epoch set to \(newer)")
            current = newer
        }
        let accepted = try value(Self.accepted)
        return Epochs(accepted: accepted, current: current, notes: notes)
    }

    /// nil when the file does not exist (a fresh server); an unreadable file is an error, not a zero.
    public static func read(_ directory: String, _ name: String) throws -> Int64? {
        let path = directory + "/" + name
        guard FileSystem.exists(path) else { return nil }
        var bytes = try FileSystem.readFile(path)
        let text = bytes.readString(length: bytes.readableBytes) ?? ""
        guard let value = Int64(text.filter { !$0.isWhitespace }) else {
            throw Recovery.Failure(file: path, reason: "not an epoch number: \(text)")
        }
        return value
    }

    public static func write(_ directory: String, _ name: String, _ value: Int64) throws {
        var buffer = ByteBuffer()
        buffer.writeString(String(value))
        try FileSystem.writeFileAtomically(directory + "/" + name, directory: directory, buffer)
    }
}
