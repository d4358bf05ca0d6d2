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
            || v >= 0xFFF0  // beyond the BMP: a surrogate pair in Apache's UTF-16, which it refuses
    }

    static func hex4(_ v: UInt32) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// Paths as typed at the prompt: relative to the current node, with `.` and `..` segments.
public enum PathResolution {
    /// `path` below `root` as "/a/b" ("" for the root itself), so that `newRoot + relative` is its new place.
    static func relative(_ path: String, to root: String) -> String {
        path == root ? "" : root == "/" ? path : String(path.dropFirst(root.count))
    }

    /// The absolute path `input` names when the current node is `cwd`. `..` above the root stays at the
    /// root, as in a Unix shell. Empty segments and a trailing `/` are kept, so validation still reports them
    /// (and a sequential create's `/a/` keeps its meaning).
    public static func resolve(_ input: String, cwd: String) -> String {
        let joined: String
        if input.hasPrefix("/") {
            joined = input
        } else if input.isEmpty {
            return input
        } else {
            joined = cwd == "/" ? "/" + input : cwd + "/" + input
        }
        let segments = joined.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard segments.contains(where: { $0 == "." || $0 == ".." }) else { return joined }
        var kept: [Substring] = []
        for segment in segments {
            switch segment {
            case ".": continue
            case "..": if !kept.isEmpty { kept.removeLast() }
            default: kept.append(segment)
            }
        }
        return "/" + kept.joined(separator: "/")
    }

    /// The parent of an absolute, valid path ("/" for top-level nodes and for the root).
    public static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// The last segment of an absolute path ("" for the root).
    public static func name(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// `child` under `parent`.
    public static func join(_ parent: String, _ child: String) -> String {
        parent == "/" ? "/" + child : parent + "/" + child
    }
}
