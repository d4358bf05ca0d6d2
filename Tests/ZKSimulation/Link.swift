/// An unordered pair of servers: a connection between them, or a link a partition cuts.
public struct Link: Hashable, Sendable {
    public let a: Int64
    public let b: Int64

    public init(_ x: Int64, _ y: Int64) {
        a = min(x, y)
        b = max(x, y)
    }
}
