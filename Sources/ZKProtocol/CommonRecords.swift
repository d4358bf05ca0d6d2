import NIOCore
import ZKJute

// zookeeper.jute has many records of the same wire shape; each shape is one type here and the jute
// names are aliases of it, so every record exists under its Apache name without repeating the code.

/// {ustring path}
public struct PathRecord: JuteRecord, Hashable {
    public var path: String
    public init(path: String) { self.path = path }
    public func encode(into b: inout ByteBuffer) { b.writeJuteString(path) }
    public init(from b: inout ByteBuffer) throws(JuteError) { path = try b.readJuteString("path") }
}
public typealias GetACLRequest = PathRecord
public typealias SyncRequest = PathRecord
public typealias SyncResponse = PathRecord
public typealias CreateResponse = PathRecord
public typealias GetAllChildrenNumberRequest = PathRecord
public typealias GetEphemeralsRequest = PathRecord
public typealias DeleteTxn = PathRecord

/// {ustring path; boolean watch}
public struct PathWatchRecord: JuteRecord, Hashable {
    public var path: String
    public var watch: Bool
    public init(path: String, watch: Bool) { self.path = path; self.watch = watch }
    public func encode(into b: inout ByteBuffer) { b.writeJuteString(path); b.writeJuteBool(watch) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        path = try b.readJuteString("path"); watch = try b.readJuteBool("watch")
    }
}
public typealias ExistsRequest = PathWatchRecord
public typealias GetDataRequest = PathWatchRecord
public typealias GetChildrenRequest = PathWatchRecord
public typealias GetChildren2Request = PathWatchRecord

/// {ustring path; int version}
public struct PathVersionRecord: JuteRecord, Hashable {
    public var path: String
    public var version: Int32
    public init(path: String, version: Int32) { self.path = path; self.version = version }
    public func encode(into b: inout ByteBuffer) { b.writeJuteString(path); b.writeJuteInt(version) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        path = try b.readJuteString("path"); version = try b.readJuteInt("version")
    }
}
public typealias DeleteRequest = PathVersionRecord
public typealias CheckVersionRequest = PathVersionRecord
public typealias CheckVersionTxn = PathVersionRecord

/// {ustring path; int type} (for AddWatchRequest the int is the mode)
public struct PathTypeRecord: JuteRecord, Hashable {
    public var path: String
    public var type: Int32
    public init(path: String, type: Int32) { self.path = path; self.type = type }
    public func encode(into b: inout ByteBuffer) { b.writeJuteString(path); b.writeJuteInt(type) }
    public init(from b: inout ByteBuffer) throws(JuteError) {
        path = try b.readJuteString("path"); type = try b.readJuteInt("type")
    }
}
public typealias CheckWatchesRequest = PathTypeRecord
public typealias RemoveWatchesRequest = PathTypeRecord
public typealias AddWatchRequest = PathTypeRecord

/// {Stat stat}
public struct StatRecord: JuteRecord, Hashable {
    public var stat: Stat
    public init(stat: Stat) { self.stat = stat }
    public func encode(into b: inout ByteBuffer) { stat.encode(into: &b) }
    public init(from b: inout ByteBuffer) throws(JuteError) { stat = try Stat(from: &b) }
}
public typealias ExistsResponse = StatRecord
public typealias SetDataResponse = StatRecord
public typealias SetACLResponse = StatRecord

/// {vector<ustring>}
public struct StringsRecord: JuteRecord, Hashable {
    public var strings: [String]
    public init(strings: [String]) { self.strings = strings }
    public func encode(into b: inout ByteBuffer) { b.writeJuteStrings(strings) }
    public init(from b: inout ByteBuffer) throws(JuteError) { strings = try b.readJuteStrings("strings") }
}
public typealias GetChildrenResponse = StringsRecord
public typealias GetEphemeralsResponse = StringsRecord
public typealias CloseSessionTxn = StringsRecord

/// {int value}
public struct IntRecord: JuteRecord, Hashable {
    public var value: Int32
    public init(value: Int32) { self.value = value }
    public func encode(into b: inout ByteBuffer) { b.writeJuteInt(value) }
    public init(from b: inout ByteBuffer) throws(JuteError) { value = try b.readJuteInt("int") }
}
public typealias ErrorResponse = IntRecord
public typealias GetAllChildrenNumberResponse = IntRecord
public typealias ErrorTxn = IntRecord
public typealias CreateSessionTxn = IntRecord

/// {buffer token}
public struct BufferRecord: JuteRecord, Hashable {
    public var bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public func encode(into b: inout ByteBuffer) { b.writeJuteBuffer(bytes) }
    public init(from b: inout ByteBuffer) throws(JuteError) { bytes = try b.readJuteBuffer("buffer") }
}
public typealias GetSASLRequest = BufferRecord
public typealias SetSASLResponse = BufferRecord
