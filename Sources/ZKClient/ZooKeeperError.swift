import ZKProtocol

/// A request's failure: the server's error code (or one the client raises itself: ConnectionLoss, SessionExpired,
/// AuthFailed, BadArguments, MarshallingError), the client path it concerned and, for a failed multi, every op's
/// result.
public struct ZooKeeperError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, e.g. `.noNode`, `.badVersion`, `.connectionLoss`.
    public var code: ErrorCode
    /// The path of the request (relative to the chroot), or of a multi's failing op; nil for requests without one.
    /// For `ConnectString(parsing:)`, the string that failed to parse.
    public var path: String?
    /// For a failed `multi`: one result per op, when the server sent them; nil otherwise.
    public var multiResults: [MultiOpResult]?

    /// An error with this code and, optionally, the path and multi results it concerns.
    public init(code: ErrorCode, path: String? = nil, multiResults: [MultiOpResult]? = nil) {
        self.code = code; self.path = path; self.multiResults = multiResults
    }

    /// "NoNode: /x", or just "ConnectionLoss" without a path.
    public var description: String {
        guard let path else { return code.name }
        return "\(code.name): \(path)"
    }
}
