/// What a running command may do besides returning its result: print partial results as a walk goes (text
/// mode), tell the user something on stderr before it acts, and ask before a large change.
public struct CommandIO: Sendable {
    public typealias Confirm = @Sendable (_ question: String) async -> Bool

    public var format: OutputFormat
    /// Partial results, to stdout.
    public var stream: @Sendable (String) -> Void
    /// Notices, to stderr.
    public var notice: @Sendable (String) -> Void
    /// nil: nobody to ask (scripts, one-shot commands), so the command goes ahead.
    public var confirm: Confirm?

    /// Walks print as they go: text only, since a JSON document is written whole.
    public var streams: Bool

    public init(format: OutputFormat = .text, stream: (@Sendable (String) -> Void)? = nil,
                notice: @escaping @Sendable (String) -> Void = { _ in }, confirm: Confirm? = nil) {
        self.format = format; self.stream = stream ?? { _ in }; self.notice = notice; self.confirm = confirm
        self.streams = stream != nil && format == .text
    }

    /// Output that has nowhere to go: results come back whole (tests that look at results only).
    public static let silent = CommandIO()
}

/// The user answered no to a confirmation; nothing was changed.
struct Declined: Error {}
