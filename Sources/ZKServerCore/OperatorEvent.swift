import Logging

/// A line for the operator's log, decided by a pure core and written by the shell. Only what an operator
/// follows goes here (role changes, elections, syncs, expiries, refusals): nothing per request at info.
public struct OperatorEvent: Sendable, Equatable {
    public var level: Logger.Level
    public var message: String

    public init(_ level: Logger.Level, _ message: String) {
        self.level = level
        self.message = message
    }
}

extension Int64 {
    /// Apache's hex for zxids and session ids in its log lines: 0x1a2b.
    public var hexForLog: String { "0x" + String(self, radix: 16) }
}
