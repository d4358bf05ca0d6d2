import ZKProtocol

/// A request's failure: the server's error code (or ConnectionLoss / SessionExpired from the client itself),
/// the client path it concerned and, for a failed multi, every op's result.
public struct ZooKeeperError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: ErrorCode
    public var path: String?
    public var multiResults: [MultiOpResult]?

    public init(code: ErrorCode, path: String? = nil, multiResults: [MultiOpResult]? = nil) {
        self.code = code; self.path = path; self.multiResults = multiResults
    }

    /// "NoNode: /x", or just "ConnectionLoss" without a path.
    public var description: String {
        guard let path else { return code.name }
        return "\(code.name): \(path)"
    }
}
