import NIOCore
import ZKJute

/// Id {ustring scheme; ustring id}
public struct Id: JuteRecord, Hashable {
    public var scheme: String
    public var id: String
    public init(scheme: String, id: String) { self.scheme = scheme; self.id = id }
    public func encode(into b: inout ByteBuffer) { b.writeJuteString(scheme); b.writeJuteString(id) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        scheme = try b.readJuteString("Id.scheme"); id = try b.readJuteString("Id.id")
    }
    public static let anyone = Id(scheme: "world", id: "anyone")
    public static let authIds = Id(scheme: "auth", id: "")
}

/// ACL {int perms; Id id}
public struct ACL: JuteRecord, Hashable {
    public var perms: Perms
    public var id: Id
    public init(perms: Perms, id: Id) { self.perms = perms; self.id = id }
    public func encode(into b: inout ByteBuffer) { b.writeJuteInt(perms.rawValue); id.encode(into: &b) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        perms = Perms(rawValue: try b.readJuteInt("ACL.perms")); id = try Id(from: &b)
    }
    /// ZooDefs.Ids
    public static let openACLUnsafe = [ACL(perms: .all, id: .anyone)]
    public static let creatorAllACL = [ACL(perms: .all, id: .authIds)]
    public static let readACLUnsafe = [ACL(perms: .read, id: .anyone)]
}

/// Stat: the metadata returned with every node.
public struct Stat: JuteRecord, Hashable {
    public var czxid: Int64 = 0
    public var mzxid: Int64 = 0
    public var ctime: Int64 = 0
    public var mtime: Int64 = 0
    public var version: Int32 = 0
    public var cversion: Int32 = 0
    public var aversion: Int32 = 0
    public var ephemeralOwner: Int64 = 0
    public var dataLength: Int32 = 0
    public var numChildren: Int32 = 0
    public var pzxid: Int64 = 0

    public init() {}
    public init(czxid: Int64, mzxid: Int64, ctime: Int64, mtime: Int64, version: Int32, cversion: Int32,
                aversion: Int32, ephemeralOwner: Int64, dataLength: Int32, numChildren: Int32, pzxid: Int64) {
        self.czxid = czxid; self.mzxid = mzxid; self.ctime = ctime; self.mtime = mtime; self.version = version
        self.cversion = cversion; self.aversion = aversion; self.ephemeralOwner = ephemeralOwner
        self.dataLength = dataLength; self.numChildren = numChildren; self.pzxid = pzxid
    }

    public static let encodedSize = 68

    public func encode(into b: inout ByteBuffer) {
        b.writeJuteLong(czxid); b.writeJuteLong(mzxid); b.writeJuteLong(ctime); b.writeJuteLong(mtime)
        b.writeJuteInt(version); b.writeJuteInt(cversion); b.writeJuteInt(aversion)
        b.writeJuteLong(ephemeralOwner); b.writeJuteInt(dataLength); b.writeJuteInt(numChildren)
        b.writeJuteLong(pzxid)
    }

    public init(from b: inout ByteBuffer) throws(JuteError) {
        czxid = try b.readJuteLong("Stat.czxid"); mzxid = try b.readJuteLong("Stat.mzxid")
        ctime = try b.readJuteLong("Stat.ctime"); mtime = try b.readJuteLong("Stat.mtime")
        version = try b.readJuteInt("Stat.version"); cversion = try b.readJuteInt("Stat.cversion")
        aversion = try b.readJuteInt("Stat.aversion"); ephemeralOwner = try b.readJuteLong("Stat.ephemeralOwner")
        dataLength = try b.readJuteInt("Stat.dataLength"); numChildren = try b.readJuteInt("Stat.numChildren")
        pzxid = try b.readJuteLong("Stat.pzxid")
    }
}

/// StatPersisted: Stat without dataLength and numChildren, as snapshots store it.
public struct StatPersisted: JuteRecord, Hashable {
    public var czxid: Int64 = 0
    public var mzxid: Int64 = 0
    public var ctime: Int64 = 0
    public var mtime: Int64 = 0
    public var version: Int32 = 0
    public var cversion: Int32 = 0
    public var aversion: Int32 = 0
    public var ephemeralOwner: Int64 = 0
    public var pzxid: Int64 = 0
    public init() {}

    public func encode(into b: inout ByteBuffer) {
        b.writeJuteLong(czxid); b.writeJuteLong(mzxid); b.writeJuteLong(ctime); b.writeJuteLong(mtime)
        b.writeJuteInt(version); b.writeJuteInt(cversion); b.writeJuteInt(aversion)
        b.writeJuteLong(ephemeralOwner); b.writeJuteLong(pzxid)
    }

    public init(from b: inout ByteBuffer) throws(JuteError) {
        czxid = try b.readJuteLong("czxid"); mzxid = try b.readJuteLong("mzxid")
        ctime = try b.readJuteLong("ctime"); mtime = try b.readJuteLong("mtime")
        version = try b.readJuteInt("version"); cversion = try b.readJuteInt("cversion")
        aversion = try b.readJuteInt("aversion"); ephemeralOwner = try b.readJuteLong("ephemeralOwner")
        pzxid = try b.readJuteLong("pzxid")
    }
}

/// ClientInfo {ustring authScheme; ustring user}
public struct ClientInfo: JuteRecord, Hashable {
    public var authScheme: String
    public var user: String
    public init(authScheme: String, user: String) { self.authScheme = authScheme; self.user = user }
    public func encode(into b: inout ByteBuffer) { b.writeJuteString(authScheme); b.writeJuteString(user) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        authScheme = try b.readJuteString("ClientInfo.authScheme"); user = try b.readJuteString("ClientInfo.user")
    }
}

extension ByteBuffer {
    public mutating func writeJuteACLs(_ acls: [ACL]?) { writeJuteRecords(acls) }
    public mutating func readJuteACLs(_ field: String = "acl") throws(JuteError) -> [ACL] {
        try readJuteRecords(field, minimumElementSize: 12)
    }
}
