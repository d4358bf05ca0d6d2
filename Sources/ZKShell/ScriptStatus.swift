/// The exit status of a sequence of lines (stdin script or REPL): the status of the last command that
/// failed, 0 if none did. Unlike zkCli.sh (status of the last command only), a failure in the middle of a
/// script is not hidden by a later success.
public struct ScriptStatus: Sendable, Hashable {
    public private(set) var status: ExitCode = .success
    /// Whether a connection failure ends the sequence (scripts: yes, since every later command would fail
    /// the same way after a full connect timeout; REPL: no, the user may retry).
    public var stopOnConnectionFailure: Bool

    /// -e: the first failure ends the sequence.
    public var stopOnError: Bool

    public init(stopOnConnectionFailure: Bool, stopOnError: Bool = false) {
        self.stopOnConnectionFailure = stopOnConnectionFailure; self.stopOnError = stopOnError
    }

    /// Records one line's outcome; false when reading should stop.
    public mutating func record(_ outcome: LineOutcome) -> Bool {
        if !outcome.skipped && outcome.exitCode != .success { status = outcome.exitCode }
        if outcome.quit { return false }
        if stopOnConnectionFailure && outcome.exitCode == .connection { return false }
        if stopOnError && !outcome.skipped && outcome.exitCode != .success { return false }
        return true
    }
}
