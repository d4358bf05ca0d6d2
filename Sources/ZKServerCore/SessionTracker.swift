/// Sessions and their expiry deadlines. Time is an input (milliseconds on a monotonic clock), never read here.
/// Invariant: a session in `sessions` is either live (`closing == false`) or waiting for its close txn.
public struct SessionTracker: Sendable {
    public struct Session: Sendable, Equatable {
        public let id: Int64
        public var timeout: Int32
        /// When the session expires unless touched (ms on the caller's monotonic clock).
        public var deadline: Int64
        /// Set once a close is under way; further requests answer SessionExpired.
        public var closing: Bool = false
    }

    public private(set) var sessions: [Int64: Session] = [:]
    private var nextId: Int64

    /// Apache's initializeNextSession: server id in the top byte, milliseconds since the epoch below,
    /// so ids from different servers and restarts do not collide.
    public init(serverId: Int64, wallClockMillis: Int64) {
        // Apache shifts unsigned (>>>): the top byte must stay free for the server id.
        nextId = Int64(bitPattern: (UInt64(bitPattern: wallClockMillis) << 24) >> 8) | (serverId << 56)
        if nextId == Int64.min { nextId += 1 }
    }

    public mutating func allocateId() -> Int64 {
        defer { nextId &+= 1 }
        return nextId
    }

    public mutating func add(_ id: Int64, timeout: Int32, now: Int64) {
        sessions[id] = Session(id: id, timeout: timeout, deadline: now + Int64(timeout))
    }

    public func isLive(_ id: Int64) -> Bool { sessions[id].map { !$0.closing } ?? false }

    /// Pushes the deadline out; false when the session is unknown or closing.
    @discardableResult
    public mutating func touch(_ id: Int64, now: Int64) -> Bool {
        guard var session = sessions[id], !session.closing else { return false }
        session.deadline = now + Int64(session.timeout)
        sessions[id] = session
        return true
    }

    public mutating func updateTimeout(_ id: Int64, timeout: Int32, now: Int64) {
        sessions[id]?.timeout = timeout
        sessions[id]?.deadline = now + Int64(timeout)
    }

    public mutating func setClosing(_ id: Int64) { sessions[id]?.closing = true }
    public mutating func remove(_ id: Int64) { sessions[id] = nil }

    /// Sessions past their deadline that are not already closing; the caller issues their close txns.
    public func expired(now: Int64) -> [Int64] {
        sessions.values.filter { !$0.closing && $0.deadline <= now }.map(\.id).sorted()
    }
}

/// The 16-byte session password: java.util.Random seeded with the id xor Apache's fixed secret, so that
/// any server (ours or Apache's) can check a password from the id alone.
public enum SessionPassword {
    static let superSecret: Int64 = 0xB3415C00

    public static func generate(for sessionId: Int64) -> [UInt8] {
        var random = JavaRandom(seed: sessionId ^ superSecret)
        return random.nextBytes(16)
    }
}

/// java.util.Random's linear congruential generator, bit for bit.
struct JavaRandom {
    private var seed: Int64
    private static let multiplier: Int64 = 0x5DEECE66D
    private static let mask: Int64 = (1 << 48) - 1

    init(seed: Int64) { self.seed = (seed ^ Self.multiplier) & Self.mask }

    mutating func next(_ bits: Int) -> Int32 {
        seed = (seed &* Self.multiplier &+ 0xB) & Self.mask
        return Int32(truncatingIfNeeded: seed >> (48 - bits))
    }

    mutating func nextBytes(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            var rnd = next(32)
            for _ in 0..<min(count - bytes.count, 4) {
                bytes.append(UInt8(truncatingIfNeeded: rnd))
                rnd >>= 8
            }
        }
        return bytes
    }
}
