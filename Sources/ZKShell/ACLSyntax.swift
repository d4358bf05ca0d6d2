import ZKProtocol

/// zkCli.sh's ACL notation: `scheme:id:perms[,scheme:id:perms...]`, perms from `cdrwa`. The id runs from the
/// first to the last colon, so digest ids (`digest:user:hash=:cdrwa`) and IPv6 addresses keep their colons.
public enum ACLSyntax {
    public static func parse(_ text: String) throws(UsageError) -> [ACL] {
        var acls: [ACL] = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let first = entry.firstIndex(of: ":"), let last = entry.lastIndex(of: ":"), first != last else {
                throw UsageError("acl \"\(entry)\" does not have the form scheme:id:perm")
            }
            let scheme = String(entry[..<first])
            let id = String(entry[entry.index(after: first)..<last])
            let letters = String(entry[entry.index(after: last)...])
            guard !scheme.isEmpty else { throw UsageError("acl \"\(entry)\" has an empty scheme") }
            guard let perms = Perms(letters: letters), !letters.isEmpty else {
                throw UsageError("acl \"\(entry)\": permissions must be letters of cdrwa, got \"\(letters)\"")
            }
            acls.append(ACL(perms: perms, id: Id(scheme: scheme, id: id)))
        }
        return acls
    }

    /// A digest ACL as a server shows it to a session without ADMIN on the node: the hash replaced by "x"
    /// (`digest:alice:x`). A real digest id ends in a 28-character base64 hash, never in ":x".
    public static func isRedacted(_ acl: ACL) -> Bool {
        acl.id.scheme == "digest" && acl.id.id.hasSuffix(":x")
    }

    /// The inverse, for messages and round trips: "world:anyone:cdrwa".
    public static func format(_ acls: [ACL]) -> String {
        acls.map { "\($0.id.scheme):\($0.id.id):\($0.perms.letters)" }.joined(separator: ",")
    }
}
