/// Why a jute record could not be decoded. Decoding never traps: hostile bytes end here.
public enum JuteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The buffer ended before the named field was complete.
    case truncated(field: String)
    /// A length prefix was negative (other than the -1 null marker) or larger than what remains.
    case invalidLength(field: String, length: Int32)
    /// A field carried a value the record does not allow.
    case invalidValue(field: String, value: Int64)
    /// Bytes were left over where the record must end.
    case trailingBytes(count: Int)

    public var description: String {
        switch self {
        case .truncated(let field): return "truncated record at \(field)"
        case .invalidLength(let field, let length): return "invalid length \(length) for \(field)"
        case .invalidValue(let field, let value): return "invalid value \(value) for \(field)"
        case .trailingBytes(let count): return "\(count) unexpected trailing bytes"
        }
    }
}
