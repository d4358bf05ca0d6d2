import NIOCore
import ZKJute

/// RequestHeader {int xid; int type}
public struct RequestHeader: JuteRecord, Hashable {
    public var xid: Int32
    public var type: Int32
    public init(xid: Int32, type: Int32) { self.xid = xid; self.type = type }
    public init(xid: Int32, op: OpCode) { self.xid = xid; self.type = op.rawValue }
    public func encode(into b: inout ByteBuffer) { b.writeJuteInt(xid); b.writeJuteInt(type) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        xid = try b.readJuteInt("RequestHeader.xid"); type = try b.readJuteInt("RequestHeader.type")
    }
}

/// ReplyHeader {int xid; long zxid; int err}
public struct ReplyHeader: JuteRecord, Hashable {
    public var xid: Int32
    public var zxid: Int64
    public var err: Int32
    public init(xid: Int32, zxid: Int64, err: ErrorCode) { self.xid = xid; self.zxid = zxid; self.err = err.rawValue }
    public init(xid: Int32, zxid: Int64, err: Int32) { self.xid = xid; self.zxid = zxid; self.err = err }
    public static let encodedSize = 16
    public func encode(into b: inout ByteBuffer) { b.writeJuteInt(xid); b.writeJuteLong(zxid); b.writeJuteInt(err) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        xid = try b.readJuteInt("ReplyHeader.xid"); zxid = try b.readJuteLong("ReplyHeader.zxid")
        err = try b.readJuteInt("ReplyHeader.err")
    }
    public var error: ErrorCode { ErrorCode(rawValue: err) }
}

/// MultiHeader {int type; boolean done; int err}
public struct MultiHeader: JuteRecord, Hashable {
    public var type: Int32
    public var done: Bool
    public var err: Int32
    public init(type: Int32, done: Bool, err: Int32) { self.type = type; self.done = done; self.err = err }
    public static let terminator = MultiHeader(type: -1, done: true, err: -1)
    public func encode(into b: inout ByteBuffer) { b.writeJuteInt(type); b.writeJuteBool(done); b.writeJuteInt(err) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        type = try b.readJuteInt("MultiHeader.type"); done = try b.readJuteBool("MultiHeader.done")
        err = try b.readJuteInt("MultiHeader.err")
    }
}

/// AuthPacket {int type; ustring scheme; buffer auth}
public struct AuthPacket: JuteRecord, Hashable {
    public var type: Int32
    public var scheme: String
    public var auth: [UInt8]
    /// The buffer came as jute's null (length -1): Apache's digest provider fails on it where it takes an
    /// empty one.
    public var authIsNull = false
    public init(type: Int32 = 0, scheme: String, auth: [UInt8]) { self.type = type; self.scheme = scheme; self.auth = auth }
    public func encode(into b: inout ByteBuffer) {
        b.writeJuteInt(type); b.writeJuteString(scheme)
        if authIsNull { b.writeJuteInt(-1) } else { b.writeJuteBuffer(auth) }
    }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        type = try b.readJuteInt("AuthPacket.type"); scheme = try b.readJuteString("AuthPacket.scheme")
        let raw = try b.readJuteOptionalBuffer("AuthPacket.auth")
        auth = raw ?? []
        authIsNull = raw == nil
    }
}

/// CreateRequest {ustring path; buffer data; vector<ACL> acl; int flags}, also for create2 and createContainer.
public struct CreateRequest: JuteRecord, Hashable {
    public var path: String
    public var data: [UInt8]?
    public var acl: [ACL]
    public var flags: Int32
    public init(path: String, data: [UInt8]?, acl: [ACL], flags: Int32) {
        self.path = path; self.data = data; self.acl = acl; self.flags = flags
    }
    public func encode(into b: inout ByteBuffer) {
        b.writeJuteString(path); b.writeJuteBuffer(data); b.writeJuteACLs(acl); b.writeJuteInt(flags)
    }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        path = try b.readJuteString("CreateRequest.path"); data = try b.readJuteOptionalBuffer("CreateRequest.data")
        acl = try b.readJuteACLs("CreateRequest.acl"); flags = try b.readJuteInt("CreateRequest.flags")
    }
}

/// CreateTTLRequest {ustring path; buffer data; vector<ACL> acl; int flags; long ttl}
public struct CreateTTLRequest: JuteRecord, Hashable {
    public var path: String
    public var data: [UInt8]?
    public var acl: [ACL]
    public var flags: Int32
    public var ttl: Int64
    public init(path: String, data: [UInt8]?, acl: [ACL], flags: Int32, ttl: Int64) {
        self.path = path; self.data = data; self.acl = acl; self.flags = flags; self.ttl = ttl
    }
    public func encode(into b: inout ByteBuffer) {
        b.writeJuteString(path); b.writeJuteBuffer(data); b.writeJuteACLs(acl); b.writeJuteInt(flags); b.writeJuteLong(ttl)
    }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        path = try b.readJuteString("CreateTTLRequest.path"); data = try b.readJuteOptionalBuffer("CreateTTLRequest.data")
        acl = try b.readJuteACLs("CreateTTLRequest.acl"); flags = try b.readJuteInt("CreateTTLRequest.flags")
        ttl = try b.readJuteLong("CreateTTLRequest.ttl")
    }
}

/// SetDataRequest {ustring path; buffer data; int version}; SetDataTxn has the same shape.
public struct SetDataRequest: JuteRecord, Hashable {
    public var path: String
    public var data: [UInt8]?
    public var version: Int32
    public init(path: String, data: [UInt8]?, version: Int32) { self.path = path; self.data = data; self.version = version }
    public func encode(into b: inout ByteBuffer) { b.writeJuteString(path); b.writeJuteBuffer(data); b.writeJuteInt(version) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        path = try b.readJuteString("SetData.path"); data = try b.readJuteOptionalBuffer("SetData.data")
        version = try b.readJuteInt("SetData.version")
    }
}
public typealias SetDataTxn = SetDataRequest

/// SetACLRequest {ustring path; vector<ACL> acl; int version}; SetACLTxn has the same shape.
public struct SetACLRequest: JuteRecord, Hashable {
    public var path: String
    public var acl: [ACL]
    public var version: Int32
    public init(path: String, acl: [ACL], version: Int32) { self.path = path; self.acl = acl; self.version = version }
    public func encode(into b: inout ByteBuffer) { b.writeJuteString(path); b.writeJuteACLs(acl); b.writeJuteInt(version) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        path = try b.readJuteString("SetACL.path"); acl = try b.readJuteACLs("SetACL.acl")
        version = try b.readJuteInt("SetACL.version")
    }
}
public typealias SetACLTxn = SetACLRequest

/// Create2Response {ustring path; Stat stat}
public struct Create2Response: JuteRecord, Hashable {
    public var path: String
    public var stat: Stat
    public init(path: String, stat: Stat) { self.path = path; self.stat = stat }
    public func encode(into b: inout ByteBuffer) { b.writeJuteString(path); stat.encode(into: &b) }
    public init(from b: inout ByteBuffer) throws(JuteError) { path = try b.readJuteString("path"); stat = try Stat(from: &b) }
}

/// GetDataResponse {buffer data; Stat stat}
public struct GetDataResponse: JuteRecord, Hashable {
    public var data: [UInt8]?
    public var stat: Stat
    public init(data: [UInt8]?, stat: Stat) { self.data = data; self.stat = stat }
    public func encode(into b: inout ByteBuffer) { b.writeJuteBuffer(data); stat.encode(into: &b) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        data = try b.readJuteOptionalBuffer("data"); stat = try Stat(from: &b)
    }
}

/// GetChildren2Response {vector<ustring> children; Stat stat}
public struct GetChildren2Response: JuteRecord, Hashable {
    public var children: [String]
    public var stat: Stat
    public init(children: [String], stat: Stat) { self.children = children; self.stat = stat }
    public func encode(into b: inout ByteBuffer) { b.writeJuteStrings(children); stat.encode(into: &b) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        children = try b.readJuteStrings("children"); stat = try Stat(from: &b)
    }
}

/// GetACLResponse {vector<ACL> acl; Stat stat}
public struct GetACLResponse: JuteRecord, Hashable {
    public var acl: [ACL]
    public var stat: Stat
    public init(acl: [ACL], stat: Stat) { self.acl = acl; self.stat = stat }
    public func encode(into b: inout ByteBuffer) { b.writeJuteACLs(acl); stat.encode(into: &b) }
    public init(from b: inout ByteBuffer) throws(JuteError) { acl = try b.readJuteACLs(); stat = try Stat(from: &b) }
}

/// WatcherEvent {int type; int state; ustring path}
public struct WatcherEvent: JuteRecord, Hashable {
    public var type: Int32
    public var state: Int32
    public var path: String
    public init(type: EventType, state: KeeperState, path: String) {
        self.type = type.rawValue; self.state = state.rawValue; self.path = path
    }
    public init(type: Int32, state: Int32, path: String) { self.type = type; self.state = state; self.path = path }
    public func encode(into b: inout ByteBuffer) { b.writeJuteInt(type); b.writeJuteInt(state); b.writeJuteString(path) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        type = try b.readJuteInt("WatcherEvent.type"); state = try b.readJuteInt("WatcherEvent.state")
        path = try b.readJuteString("WatcherEvent.path")
    }
    public var eventType: EventType? { EventType(rawValue: type) }
    public var keeperState: KeeperState? { KeeperState(rawValue: state) }
}

/// SetWatches {long relativeZxid; vector<ustring> dataWatches, existWatches, childWatches}
/// and SetWatches2, which adds persistentWatches and persistentRecursiveWatches.
public struct SetWatches: JuteRecord, Hashable {
    public var relativeZxid: Int64
    public var dataWatches: [String]
    public var existWatches: [String]
    public var childWatches: [String]
    /// nil for SetWatches (opcode 101); present for SetWatches2 (opcode 105).
    public var persistentWatches: [String]?
    public var persistentRecursiveWatches: [String]?

    public init(relativeZxid: Int64, dataWatches: [String], existWatches: [String], childWatches: [String],
                persistentWatches: [String]? = nil, persistentRecursiveWatches: [String]? = nil) {
        self.relativeZxid = relativeZxid; self.dataWatches = dataWatches; self.existWatches = existWatches
        self.childWatches = childWatches; self.persistentWatches = persistentWatches
        self.persistentRecursiveWatches = persistentRecursiveWatches
    }

    public var isVersion2: Bool { persistentWatches != nil || persistentRecursiveWatches != nil }

    public func encode(into b: inout ByteBuffer) {
        b.writeJuteLong(relativeZxid); b.writeJuteStrings(dataWatches); b.writeJuteStrings(existWatches)
        b.writeJuteStrings(childWatches)
        if isVersion2 {
            b.writeJuteStrings(persistentWatches ?? []); b.writeJuteStrings(persistentRecursiveWatches ?? [])
        }
    }

    public init(from b: inout ByteBuffer) throws(JuteError) { try self.init(from: &b, version2: false) }

    public init(from b: inout ByteBuffer, version2: Bool) throws(JuteError) {
        relativeZxid = try b.readJuteLong("SetWatches.relativeZxid")
        dataWatches = try b.readJuteStrings("dataWatches"); existWatches = try b.readJuteStrings("existWatches")
        childWatches = try b.readJuteStrings("childWatches")
        if version2 {
            persistentWatches = try b.readJuteStrings("persistentWatches")
            persistentRecursiveWatches = try b.readJuteStrings("persistentRecursiveWatches")
        }
    }
}

/// WhoAmIResponse {vector<ClientInfo> clientInfo}
public struct WhoAmIResponse: JuteRecord, Hashable {
    public var clientInfo: [ClientInfo]
    public init(clientInfo: [ClientInfo]) { self.clientInfo = clientInfo }
    public func encode(into b: inout ByteBuffer) { b.writeJuteRecords(clientInfo) }
    public init(from b: inout ByteBuffer) throws(JuteError) { clientInfo = try b.readJuteRecords("clientInfo", minimumElementSize: 8) }
}

/// ReconfigRequest {ustring joiningServers; ustring leavingServers; ustring newMembers; long curConfigId}
public struct ReconfigRequest: JuteRecord, Hashable {
    public var joiningServers: String?
    public var leavingServers: String?
    public var newMembers: String?
    public var curConfigId: Int64
    public init(joiningServers: String?, leavingServers: String?, newMembers: String?, curConfigId: Int64) {
        self.joiningServers = joiningServers; self.leavingServers = leavingServers
        self.newMembers = newMembers; self.curConfigId = curConfigId
    }
    public func encode(into b: inout ByteBuffer) {
        b.writeJuteString(joiningServers); b.writeJuteString(leavingServers); b.writeJuteString(newMembers)
        b.writeJuteLong(curConfigId)
    }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        joiningServers = try b.readJuteOptionalString("joiningServers")
        leavingServers = try b.readJuteOptionalString("leavingServers")
        newMembers = try b.readJuteOptionalString("newMembers"); curConfigId = try b.readJuteLong("curConfigId")
    }
}
