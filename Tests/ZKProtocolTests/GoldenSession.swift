import Foundation
import NIOCore
import Testing
import ZKJute
import ZKProtocol
import ZKTestSupport

/// One captured frame of Tests/Golden/*.txt, including its 4-byte length prefix.
struct GoldenFrame: Sendable {
    enum Direction: Sendable { case toServer, toClient }
    let direction: Direction
    let bytes: [UInt8]
    let line: Int
    var body: [UInt8] { Array(bytes.dropFirst(4)) }
    var declaredLength: Int { bytes.count < 4 ? -1 : Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3]) }
}

/// A golden capture file: the `#` header describing the session, then the frames in capture order.
struct GoldenFile: Sendable, CustomTestStringConvertible {
    let name: String
    let header: String
    let frames: [GoldenFrame]
    var clientFrames: [GoldenFrame] { frames.filter { $0.direction == .toServer } }
    var serverFrames: [GoldenFrame] { frames.filter { $0.direction == .toClient } }
    var testDescription: String { name }
}

enum GoldenLoadError: Error, CustomStringConvertible {
    case malformedLine(file: String, line: Int, text: String)
    var description: String {
        switch self { case .malformedLine(let f, let l, let t): return "\(f):\(l): cannot parse \(t.prefix(40))" }
    }
}

enum Golden {
    /// Tests/Golden, found from this source file so the tests run from any working directory.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Golden")

    static let fileNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".txt") }.sorted()
    }()

    static func load(_ name: String) throws -> GoldenFile {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        var header: [String] = []
        var frames: [GoldenFrame] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("#") { header.append(String(line.dropFirst())); continue }
            let direction: GoldenFrame.Direction
            if line.hasPrefix("C>") { direction = .toServer } else if line.hasPrefix("S<") { direction = .toClient } else {
                throw GoldenLoadError.malformedLine(file: name, line: index + 1, text: line)
            }
            let hex = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
            guard hex.count % 2 == 0, hex.allSatisfy(\.isHexDigit) else {
                throw GoldenLoadError.malformedLine(file: name, line: index + 1, text: line)
            }
            frames.append(GoldenFrame(direction: direction, bytes: hexBytes(hex), line: index + 1))
        }
        return GoldenFile(name: name, header: header.joined(separator: "\n"), frames: frames)
    }

    static func loadAll() throws -> [GoldenFile] { try fileNames.map(load) }
}

/// A server reply body, typed by the request it answers.
enum GoldenReply: Equatable {
    case empty
    case notification(WatcherEvent)
    case create(CreateResponse)
    case create2(Create2Response)
    case stat(StatRecord)
    case getData(GetDataResponse)
    case children(StringsRecord)
    case children2(GetChildren2Response)
    case acl(GetACLResponse)
    case multi(MultiResponse)
    case path(PathRecord)
    case int(IntRecord)
    case whoAmI(WhoAmIResponse)
    case sasl(BufferRecord)

    var record: (any JuteEncodable)? {
        switch self {
        case .empty: return nil
        case .notification(let r): return r
        case .create(let r): return r
        case .create2(let r): return r
        case .stat(let r): return r
        case .getData(let r): return r
        case .children(let r): return r
        case .children2(let r): return r
        case .acl(let r): return r
        case .multi(let r): return r
        case .path(let r): return r
        case .int(let r): return r
        case .whoAmI(let r): return r
        case .sasl(let r): return r
        }
    }

    /// Decodes the body of a reply to `request` (nil for a notification), which must use up every byte.
    static func decodeBody(_ body: [UInt8], header: ReplyHeader, request: ClientRequest?) throws(JuteError) -> GoldenReply {
        guard let request else { return .notification(try decodeRecord(WatcherEvent.self, body)) }
        // On an error the server sends the header alone.
        if header.err != 0 {
            guard body.isEmpty else { throw .trailingBytes(count: body.count) }
            return .empty
        }
        switch request.opCode {
        case .create?: return .create(try decodeRecord(CreateResponse.self, body))
        case .create2?, .createContainer?, .createTTL?: return .create2(try decodeRecord(Create2Response.self, body))
        case .exists?, .setData?, .setACL?: return .stat(try decodeRecord(StatRecord.self, body))
        case .getData?, .reconfig?: return .getData(try decodeRecord(GetDataResponse.self, body))
        case .getChildren?, .getEphemerals?: return .children(try decodeRecord(StringsRecord.self, body))
        case .getChildren2?: return .children2(try decodeRecord(GetChildren2Response.self, body))
        case .getACL?: return .acl(try decodeRecord(GetACLResponse.self, body))
        case .multi?, .multiRead?: return .multi(try decodeRecord(MultiResponse.self, body))
        case .sync?: return .path(try decodeRecord(PathRecord.self, body))
        case .getAllChildrenNumber?, .addWatch?: return .int(try decodeRecord(IntRecord.self, body))
        case .whoAmI?: return .whoAmI(try decodeRecord(WhoAmIResponse.self, body))
        case .sasl?: return .sasl(try decodeRecord(SetSASLResponse.self, body))
        default:
            guard body.isEmpty else { throw .trailingBytes(count: body.count) }
            return .empty
        }
    }
}

/// A golden conversation decoded in full: handshake both ways, requests, and replies matched by xid.
struct DecodedSession {
    struct Reply { let frame: GoldenFrame; let header: ReplyHeader; let request: ClientRequest?; let body: GoldenReply }
    let connectRequest: ConnectRequest
    let requests: [ClientRequest]
    let connectResponse: ConnectResponse
    let replies: [Reply]
    /// Requests that never got a reply; xids answered twice or never asked.
    let unanswered: [Int32]
    let unexpectedXids: [Int32]

    init(_ file: GoldenFile) throws {
        let client = file.clientFrames, server = file.serverFrames
        guard let hello = client.first, let welcome = server.first else { throw JuteError.truncated(field: "handshake") }
        connectRequest = try decodeRecord(ConnectRequest.self, hello.body)
        connectResponse = try decodeRecord(ConnectResponse.self, welcome.body)
        var requests: [ClientRequest] = []
        for frame in client.dropFirst() {
            var buffer = ByteBuffer(bytes: frame.body)
            requests.append(try ClientRequest(frame: &buffer))
            guard buffer.readableBytes == 0 else { throw JuteError.trailingBytes(count: buffer.readableBytes) }
        }
        self.requests = requests
        var pending = Dictionary(requests.map { ($0.xid, $0) }, uniquingKeysWith: { first, _ in first })
        var replies: [Reply] = []
        var unexpected: [Int32] = []
        for frame in server.dropFirst() {
            var buffer = ByteBuffer(bytes: frame.body)
            let header = try ReplyHeader(from: &buffer)
            let rest = buffer.readBytes(length: buffer.readableBytes) ?? []
            let request: ClientRequest?
            if header.xid == SpecialXid.notification {
                request = nil
            } else if let match = pending.removeValue(forKey: header.xid) {
                request = match
            } else {
                unexpected.append(header.xid)
                continue
            }
            replies.append(Reply(frame: frame, header: header, request: request,
                                 body: try GoldenReply.decodeBody(rest, header: header, request: request)))
        }
        self.replies = replies
        self.unanswered = pending.keys.sorted()
        self.unexpectedXids = unexpected
    }
}

/// A one-line account of a request, to compare with what a golden file's header says the session did.
func describe(_ request: ClientRequest) -> String {
    func text(_ data: [UInt8]?) -> String { data.map { "\"" + String(decoding: $0, as: UTF8.self) + "\"" } ?? "null" }
    func acl(_ acl: [ACL]) -> String { "[" + acl.map { "\($0.id.scheme):\($0.id.id):\($0.perms.letters)" }.joined(separator: ",") + "]" }
    func op(_ op: MultiOp) -> String {
        switch op {
        case .create(let r, let code): return "\(code) \(r.path) \(text(r.data)) \(acl(r.acl)) flags=\(r.flags)"
        case .createTTL(let r): return "createTTL \(r.path) \(text(r.data)) \(acl(r.acl)) flags=\(r.flags) ttl=\(r.ttl)"
        case .delete(let r): return "delete \(r.path) v=\(r.version)"
        case .setData(let r): return "setData \(r.path) \(text(r.data)) v=\(r.version)"
        case .check(let r): return "check \(r.path) v=\(r.version)"
        case .getChildren(let r): return "getChildren \(r.path)"
        case .getData(let r): return "getData \(r.path)"
        }
    }
    let name = request.opCode.map { "\($0)" } ?? "op\(request.opCodeValue)"
    switch request.body {
    case .create(let r): return "\(name) \(r.path) \(text(r.data)) \(acl(r.acl)) flags=\(r.flags)"
    case .delete(let r), .check(let r): return "\(name) \(r.path) v=\(r.version)"
    case .exists(let r), .getData(let r), .getChildren(let r), .getChildren2(let r):
        return "\(name) \(r.path) watch=\(r.watch)"
    case .setData(let r): return "\(name) \(r.path) \(text(r.data)) v=\(r.version)"
    case .multi(let m), .multiRead(let m): return "\(name)[" + m.ops.map(op).joined(separator: "; ") + "]"
    default: return request.body.primaryPath.map { "\(name) \($0)" } ?? name
    }
}
