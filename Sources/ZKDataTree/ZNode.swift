import ZKProtocol

/// One znode. A class so that the tree's dictionary holds a reference and updates need no copy. Only
/// ZKDataTree changes it, so that data sizes, quotas, digests and watches stay in step with every change.
public final class ZNode {
    /// nil when the client wrote a null buffer, which Apache stores and returns as null.
    public internal(set) var data: [UInt8]?
    public internal(set) var acl: [ACL]
    public internal(set) var stat: StatPersisted
    public internal(set) var children: Set<String>

    public init(data: [UInt8]?, acl: [ACL], stat: StatPersisted, children: Set<String> = []) {
        self.data = data; self.acl = acl; self.stat = stat; self.children = children
    }

    /// Containers and TTL nodes show owner 0 to clients (Apache's DataNode.getClientEphemeralOwner).
    var clientEphemeralOwner: Int64 {
        let owner = stat.ephemeralOwner
        if owner == EphemeralKind.containerOwner || (owner & EphemeralKind.ttlMask) == EphemeralKind.ttlMarker { return 0 }
        return owner
    }

    /// The full Stat a client sees. The stored cversion counts creates (it numbers sequential children);
    /// clients see creates plus deletes, derived as Apache's DataNode.copyStat does.
    public var fullStat: Stat {
        Stat(czxid: stat.czxid, mzxid: stat.mzxid, ctime: stat.ctime, mtime: stat.mtime, version: stat.version,
             cversion: stat.cversion &* 2 &- Int32(children.count), aversion: stat.aversion, ephemeralOwner: clientEphemeralOwner,
             dataLength: Int32(data?.count ?? 0), numChildren: Int32(children.count), pzxid: stat.pzxid)
    }
}

/// What EphemeralType makes of the ephemeralOwner field: sessions, containers and TTL nodes share it.
public enum EphemeralKind: Equatable, Sendable {
    case none
    case session(Int64)
    case container
    case ttl(Int64)

    /// EphemeralType.CONTAINER_EPHEMERAL_OWNER
    public static let containerOwner = Int64(bitPattern: 0x8000_0000_0000_0000)
    static let ttlMask = Int64(bitPattern: 0xff00_0000_0000_0000)
    static let ttlMarker = Int64(bitPattern: 0xff00_0000_0000_0000)
    public static let maxTTL: Int64 = 0xff_ffff_ffff

    /// With extended types enabled, the top byte 0xff marks a TTL node and 0x80...0 a container.
    public init(owner: Int64, extendedTypes: Bool) {
        if owner == 0 { self = .none; return }
        if owner == Self.containerOwner { self = .container; return }
        if extendedTypes && (owner & Self.ttlMask) == Self.ttlMarker { self = .ttl(owner & 0x00ff_ffff_ffff_ffff); return }
        self = .session(owner)
    }

    public static func ttlOwner(_ ttl: Int64) -> Int64 { ttlMarker | ttl }
}
