/// Apache's PathUtils.validatePath: the client refuses these before sending anything.
public enum PathValidation {
    /// Why `path` is not a valid znode path, or nil when it is. A sequential create may end in "/"
    /// (the server appends the counter), as Apache checks `path + "1"`.
    public static func problem(_ path: String, sequential: Bool = false) -> String? {
        let path = sequential ? path + "1" : path
        guard !path.isEmpty else { return "Path length must be > 0" }
        guard path.hasPrefix("/") else { return "Path must start with / character" }
        if path == "/" { return nil }
        if path.hasSuffix("/") { return "Path must not end with / character" }
        var position = 0
        for segment in path.unicodeScalars.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            position += 1
            if segment.isEmpty { return "empty node name specified @\(position)" }
            let name = String(String.UnicodeScalarView(segment))
            if name == "." || name == ".." { return "relative paths not allowed @\(position)" }
            for scalar in segment where isForbidden(scalar) {
                return "invalid character \\u\(hex4(scalar.value)) @\(position)"
            }
            position += segment.count
        }
        return nil
    }

    static func isForbidden(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v == 0 || (0x01...0x1F).contains(v) || (0x7F...0x9F).contains(v) || (0xE000...0xF8FF).contains(v)
            || (0xFFF0...0xFFFF).contains(v)
    }

    static func hex4(_ v: UInt32) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
