#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Directories under /tmp that a test makes and removes itself.
public enum TemporaryDirectory {
    public static let prefix = "/tmp/zk-test-"

    public static func make(_ name: String = "dir") -> String {
        var template = Array((prefix + name + "-XXXXXX").utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    /// Removes a directory made by `make`, and nothing else.
    public static func remove(_ path: String) {
        guard path.hasPrefix(prefix) else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}
