import NIOCore
import ZKJute

// Transaction records (org.apache.zookeeper.txn), the unit of the log and of replication.

/// TxnHeader {long clientId; int cxid; long zxid; long time; int type}
public struct TxnHeader: JuteRecord, Hashable {
    public var clientId: Int64
    public var cxid: Int32
    public var zxid: Int64
    public var time: Int64
    public var type: Int32
    public init(clientId: Int64, cxid: Int32, zxid: Int64, time: Int64, type: Int32) {
        self.clientId = clientId; self.cxid = cxid; self.zxid = zxid; self.time = time; self.type = type
    }
    public func encode(into b: inout ByteBuffer) {
        b.writeJuteLong(clientId); b.writeJuteInt(cxid); b.writeJuteLong(zxid); b.writeJuteLong(time); b.writeJuteInt(type)
    }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        clientId = try b.readJuteLong("TxnHeader.clientId"); cxid = try b.readJuteInt("TxnHeader.cxid")
        zxid = try b.readJuteLong("TxnHeader.zxid"); time = try b.readJuteLong("TxnHeader.time")
        type = try b.readJuteInt("TxnHeader.type")
    }
}

/// CreateTxn {ustring path; buffer data; vector<ACL> acl; boolean ephemeral; int parentCVersion}
public struct CreateTxn: JuteRecord, Hashable {
    public var path: String
    public var data: [UInt8]?
    public var acl: [ACL]
    public var ephemeral: Bool
    public var parentCVersion: Int32
    public init(path: String, data: [UInt8]?, acl: [ACL], ephemeral: Bool, parentCVersion: Int32) {
        self.path = path; self.data = data; self.acl = acl; self.ephemeral = ephemeral; self.parentCVersion = parentCVersion
    }
    public func encode(into b: inout ByteBuffer) {
        b.writeJuteString(path); b.writeJuteBuffer(data); b.writeJuteACLs(acl); b.writeJuteBool(ephemeral)
        b.writeJuteInt(parentCVersion)
    }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        path = try b.readJuteString("CreateTxn.path"); data = try b.readJuteOptionalBuffer("CreateTxn.data")
        acl = try b.readJuteACLs(); ephemeral = try b.readJuteBool("CreateTxn.ephemeral")
        parentCVersion = try b.readJuteInt("CreateTxn.parentCVersion")
    }
}

/// CreateContainerTxn {ustring path; buffer data; vector<ACL> acl; int parentCVersion}
public struct CreateContainerTxn: JuteRecord, Hashable {
    public var path: String
    public var data: [UInt8]?
    public var acl: [ACL]
    public var parentCVersion: Int32
    public init(path: String, data: [UInt8]?, acl: [ACL], parentCVersion: Int32) {
        self.path = path; self.data = data; self.acl = acl; self.parentCVersion = parentCVersion
    }
    public func encode(into b: inout ByteBuffer) {
        b.writeJuteString(path); b.writeJuteBuffer(data); b.writeJuteACLs(acl); b.writeJuteInt(parentCVersion)
    }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        path = try b.readJuteString("path"); data = try b.readJuteOptionalBuffer("data"); acl = try b.readJuteACLs()
        parentCVersion = try b.readJuteInt("parentCVersion")
    }
}

/// CreateTTLTxn {ustring path; buffer data; vector<ACL> acl; int parentCVersion; long ttl}
public struct CreateTTLTxn: JuteRecord, Hashable {
    public var path: String
    public var data: [UInt8]?
    public var acl: [ACL]
    public var parentCVersion: Int32
    public var ttl: Int64
    public init(path: String, data: [UInt8]?, acl: [ACL], parentCVersion: Int32, ttl: Int64) {
        self.path = path; self.data = data; self.acl = acl; self.parentCVersion = parentCVersion; self.ttl = ttl
    }
    public func encode(into b: inout ByteBuffer) {
        b.writeJuteString(path); b.writeJuteBuffer(data); b.writeJuteACLs(acl); b.writeJuteInt(parentCVersion)
        b.writeJuteLong(ttl)
    }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        path = try b.readJuteString("path"); data = try b.readJuteOptionalBuffer("data"); acl = try b.readJuteACLs()
        parentCVersion = try b.readJuteInt("parentCVersion"); ttl = try b.readJuteLong("ttl")
    }
}

/// Txn {int type; buffer data}: one sub-transaction of a MultiTxn.
public struct Txn: JuteRecord, Hashable {
    public var type: Int32
    public var data: [UInt8]?
    public init(type: Int32, data: [UInt8]) { self.type = type; self.data = data }
    public func encode(into b: inout ByteBuffer) { b.writeJuteInt(type); b.writeJuteBuffer(data) }
    public init(from b: inout ByteBuffer) throws(JuteError) { type = try b.readJuteInt("Txn.type"); data = try b.readJuteOptionalBuffer("Txn.data") }
}

/// MultiTxn {vector<Txn> txns}
public struct MultiTxn: JuteRecord, Hashable {
    public var txns: [Txn]
    public init(txns: [Txn]) { self.txns = txns }
    public func encode(into b: inout ByteBuffer) { b.writeJuteRecords(txns) }
    public init(from b: inout ByteBuffer) throws(JuteError) { txns = try b.readJuteRecords("MultiTxn.txns", minimumElementSize: 8) }
}

/// TxnDigest {int version; long treeDigest}
public struct TxnDigest: JuteRecord, Hashable {
    public var version: Int32
    public var treeDigest: Int64
    public init(version: Int32, treeDigest: Int64) { self.version = version; self.treeDigest = treeDigest }
    public func encode(into b: inout ByteBuffer) { b.writeJuteInt(version); b.writeJuteLong(treeDigest) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        version = try b.readJuteInt("TxnDigest.version"); treeDigest = try b.readJuteLong("TxnDigest.treeDigest")
    }
}
