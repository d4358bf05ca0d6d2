#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto
import ZKProtocol

/// The authentication providers registered beside Apache's built-in ones (world, auth, digest, ip):
/// `authProvider.N=...SASLAuthenticationProvider` and the x509 provider of a secure port.
public struct AuthProviders: Sendable, Equatable {
    public var sasl = false
    public var x509 = false
    /// zookeeper.letAnySaslUserDoX: an ACL naming this sasl id lets every SASL-authenticated user in.
    public var letAnySaslUserDoX: String?
    public init(sasl: Bool = false, x509: Bool = false, letAnySaslUserDoX: String? = nil) {
        self.sasl = sasl; self.x509 = x509; self.letAnySaslUserDoX = letAnySaslUserDoX
    }

    public func has(_ scheme: String) -> Bool {
        switch scheme {
        case "digest", "ip": return true
        case "sasl": return sasl
        case "x509": return x509
        default: return false
        }
    }

    /// Schemes whose ids are credentials checked by the server (isAuthenticated): they stand in for "auth".
    func isAuthenticated(_ scheme: String) -> Bool { scheme != "ip" && has(scheme) }
}

/// ACL checks and normalisation, as Apache's ZooKeeperServer.checkACL and PrepRequestProcessor.fixupACL.
public enum AccessControl {
    /// "user:password" -> "user:base64(sha1(user:password))", DigestAuthenticationProvider.generateDigest.
    public static func digest(_ idPassword: String) -> String {
        let user = idPassword.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return user + ":" + Data(Insecure.SHA1.hash(data: Array(idPassword.utf8))).base64EncodedString()
    }

    /// Whether any of `authIds` grants `perm` on a node with `acl`. A "super" id passes everything.
    public static func check(_ acl: [ACL], _ perm: Perms, authIds: [Id], providers: AuthProviders) -> Bool {
        if acl.isEmpty { return true }
        if authIds.contains(where: { $0.scheme == "super" }) { return true }
        for entry in acl where entry.perms.rawValue & perm.rawValue != 0 {
            if entry.id.scheme == "world" && entry.id.id == "anyone" { return true }
            guard providers.has(entry.id.scheme) else { continue }
            for authId in authIds where authId.scheme == entry.id.scheme {
                if matches(scheme: entry.id.scheme, authId: authId.id, aclId: entry.id.id, providers: providers) { return true }
            }
        }
        return false
    }

    static func matches(scheme: String, authId: String, aclId: String, providers: AuthProviders) -> Bool {
        switch scheme {
        case "digest", "x509": return authId == aclId
        case "ip": return IPAddressMatch.matches(client: authId, acl: aclId)
        // SASLAuthenticationProvider.matches: a SASL user named "super" passes every sasl ACL.
        case "sasl": return authId == aclId || authId == "super" || providers.letAnySaslUserDoX == aclId
        default: return false
        }
    }

    /// Whether a provider for `scheme` exists and accepts `id` (ServerAuthenticationProvider.isValid).
    static func isValid(scheme: String, id: String, providers: AuthProviders) -> Bool {
        guard providers.has(scheme) else { return false }
        switch scheme {
        // Apache's id.split(":").length == 2, with Java's split: trailing empty parts are dropped, so
        // "u:" and ":" are invalid and "u:p:" is valid.
        case "digest":
            var parts = id.split(separator: ":", omittingEmptySubsequences: false)
            while parts.last?.isEmpty == true { parts.removeLast() }
            return parts.count == 2
        case "ip": return IPAddressMatch.isValid(id)
        case "sasl": return KerberosName.isValid(id)
        case "x509": return true
        default: return false
        }
    }

    /// Validates an ACL list and expands "auth" entries to the caller's authenticated ids; nil means
    /// InvalidACL. Duplicates are dropped, order kept.
    public static func fixup(_ acl: [ACL], authIds: [Id], providers: AuthProviders) -> [ACL]? {
        guard !acl.isEmpty else { return nil }
        // A set, not a scan: one request may carry tens of thousands of entries.
        var seen = Set<ACL>(minimumCapacity: acl.count)
        let unique = acl.filter { seen.insert($0).inserted }
        lazy var authenticated = authIds.filter { providers.isAuthenticated($0.scheme) }
        var result: [ACL] = []
        for entry in unique {
            if entry.id.scheme == "world" && entry.id.id == "anyone" {
                result.append(entry)
            } else if entry.id.scheme == "auth" {
                guard !authenticated.isEmpty else { return nil }
                for id in authenticated { result.append(ACL(perms: entry.perms, id: id)) }
            } else {
                guard isValid(scheme: entry.id.scheme, id: entry.id.id, providers: providers) else { return nil }
                result.append(entry)
            }
        }
        return result
    }
}

/// Kerberos principal syntax, which SASLAuthenticationProvider.isValid asks of sasl ids: `name`,
/// `name@REALM` or `name/host@REALM`: KerberosName's `([^/@]*)(/([^/@]*))?@([^/@]*)`, which a name
/// holding an '@' must match (empty parts allowed, as the pattern's).
enum KerberosName {
    static func isValid(_ id: String) -> Bool {
        guard id.contains("@") else { return true }
        let parts = id.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].contains("/") else { return false }
        return parts[0].split(separator: "/", omittingEmptySubsequences: false).count <= 2
    }
}

/// The ip scheme: "a.b.c.d", "a.b.c.d/bits" and IPv6 forms, matched bit by bit.
public enum IPAddressMatch {
    public static func isValid(_ id: String) -> Bool {
        let parts = id.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = bytes(of: String(parts[0])) else { return false }
        if parts.count == 2 {
            guard let bits = Int(parts[1]), bits >= 0, bits <= address.count * 8 else { return false }
        }
        return true
    }

    public static func matches(client: String, acl: String) -> Bool {
        let parts = acl.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let aclAddress = bytes(of: String(parts[0])), let clientAddress = bytes(of: client),
              aclAddress.count == clientAddress.count else { return false }
        var bits = aclAddress.count * 8
        if parts.count == 2 {
            guard let b = Int(parts[1]), b >= 0, b <= bits else { return false }
            bits = b
        }
        for i in 0..<aclAddress.count {
            let remaining = bits - i * 8
            if remaining <= 0 { break }
            let mask: UInt8 = remaining >= 8 ? 0xff : UInt8(0xff << (8 - remaining) & 0xff)
            if aclAddress[i] & mask != clientAddress[i] & mask { return false }
        }
        return true
    }

    /// Dotted IPv4 or colon IPv6 (with ::), as bytes.
    public static func bytes(of address: String) -> [UInt8]? {
        if address.contains(":") { return ipv6(address) }
        let octets = address.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var out: [UInt8] = []
        for o in octets {
            guard let v = Int(o), v >= 0, v <= 255 else { return nil }
            out.append(UInt8(v))
        }
        return out
    }

    static func ipv6(_ address: String) -> [UInt8]? {
        var halves: [String] = []
        let chars = Array(address)
        if let i = chars.indices.dropLast().first(where: { chars[$0] == ":" && chars[$0 + 1] == ":" }) {
            halves = [String(chars[..<i]), String(chars[(i + 2)...])]
            guard !halves[1].contains("::") else { return nil }
        } else {
            halves = [address]
        }
        func groups(_ s: String) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            for g in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }
}
