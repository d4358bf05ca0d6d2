/// Path rules of Apache's PathUtils.validatePath, and the parent/child split the tree uses.
public enum ZNodePath {
    /// nil when valid, else the reason (Apache answers BadArguments for any of them).
    public static func validationError(_ path: String) -> String? {
        let utf8 = path.utf8
        guard let first = utf8.first else { return "Path length must be > 0" }
        guard first == UInt8(ascii: "/") else { return "Path must start with / character" }
        if utf8.count == 1 { return nil }
        if utf8.last == UInt8(ascii: "/") { return "Path must not end with / character" }
        var previous: Character = "/"
        var componentStart = path.startIndex
        for index in path.indices.dropFirst() {
            let c = path[index]
            if c == "\u{0}" { return "null character not allowed" }
            if c == "/" {
                if previous == "/" { return "empty node name specified" }
                let component = path[path.index(after: componentStart)..<index]
                if component == "." || component == ".." { return "relative paths not allowed" }
                componentStart = index
            } else if c.unicodeScalars.contains(where: Self.isInvalid) {
                return "invalid character"
            }
            previous = c
        }
        let last = path[path.index(after: componentStart)...]
        if last == "." || last == ".." { return "relative paths not allowed" }
        return nil
    }

    public static func isValid(_ path: String) -> Bool { validationError(path) == nil }

    /// Apache tests UTF-16 code units: a character outside the BMP is a surrogate pair there, in the
    /// forbidden 0xd800...0xf8ff range.
    static func isInvalid(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (v > 0x00 && v <= 0x1f) || (v >= 0x7f && v <= 0x9f) || (v >= 0xd800 && v <= 0xf8ff)
            || v >= 0xfff0
    }

    /// Everything before the last slash ("" for a child of the root), or nil without a slash.
    public static func parent(of path: String) -> String? {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        return String(path[..<slash])
    }

    /// The tree's key for a parent: Apache stores the root as "" and "/" alike; we use "/".
    public static func parentKey(of path: String) -> String? {
        guard let parent = parent(of: path) else { return nil }
        return parent.isEmpty ? "/" : parent
    }

    public static func childName(of path: String) -> Substring {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return Substring(path) }
        return path[path.index(after: slash)...]
    }

    public static func join(_ parent: String, _ child: String) -> String {
        parent == "/" ? "/" + child : parent + "/" + child
    }
}
