import ZKClient
import ZKProtocol

/// Four-letter words and the ensemble view: plain TCP queries to each member, asked concurrently.
public enum AdminQueries {
    public typealias Sender = @Sendable (_ request: FourLetterRequest, _ server: HostPort) async throws -> String

    public static let defaultSender: Sender = { request, server in
        try await FourLetterWordQuery.send(bytes: request.bytes, to: server)
    }

    static func request(_ word: String, argument: Int64?) -> FourLetterRequest {
        FourLetterRequest(word: word, argument: argument)
    }

    /// Members by client address: the connect string's hosts, then any member /zookeeper/config names
    /// that the connect string did not.
    public static func members(connectString: [HostPort], config: [UInt8]?, asked: HostPort? = nil) -> [HostPort] {
        var members = connectString
        for member in config.map({ clientAddresses($0, defaultClientPort: asked?.port, askedHost: asked?.host) }) ?? []
        where !members.contains(member) { members.append(member) }
        return members
    }

    /// server.N=host:quorumPort:electionPort[:role];[clientHost:]clientPort → clientHost:clientPort, with a
    /// wildcard client host replaced by the quorum host. A line without a client part (a static zoo.cfg's, as
    /// `conf` shows it) takes `defaultClientPort`, the port of the member that was asked.
    static func clientAddresses(_ config: [UInt8], defaultClientPort: Int? = nil, askedHost: String? = nil) -> [HostPort] {
        String(decoding: config, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { line in
            guard line.hasPrefix("server."), let equals = line.firstIndex(of: "=") else { return nil }
            guard let semicolon = line.firstIndex(of: ";") else {
                // Members on hosts of their own usually share the client port; on one host they cannot, and
                // the line does not say which one it has.
                let quorumHost = line[line.index(after: equals)...].split(separator: ":").first.map(String.init) ?? ""
                guard let port = defaultClientPort, quorumHost != askedHost else { return nil }
                return HostPort(host: quorumHost, port: port)
            }
            let quorumHost = line[line.index(after: equals)..<semicolon].split(separator: ":").first.map(String.init) ?? ""
            let client = line[line.index(after: semicolon)...]
            let parts = client.split(separator: ":")
            guard let port = parts.last.flatMap({ Int($0) }) else { return nil }
            var host = parts.count > 1 ? parts.dropLast().joined(separator: ":") : quorumHost
            if host == "0.0.0.0" || host == "::" || host.isEmpty { host = quorumHost }
            return HostPort(host: host, port: port)
        }
    }

    public static func ask(_ word: FourLetterRequest, servers: [HostPort], sender: @escaping Sender = defaultSender) async -> [ServerAnswer] {
        await withTaskGroup(of: (Int, ServerAnswer).self) { group in
            for (index, server) in servers.enumerated() {
                group.addTask {
                    do { return (index, ServerAnswer(server: server.description, text: try await sender(word, server))) } catch {
                        return (index, ServerAnswer(server: server.description, error: String(describing: error)))
                    }
                }
            }
            var answers = [ServerAnswer?](repeating: nil, count: servers.count)
            for await (index, answer) in group { answers[index] = answer }
            return answers.compactMap { $0 }
        }
    }

    /// srvr from every member, plus mntr where the server allows it (Apache's default whitelist is srvr alone).
    public static func ensemble(_ servers: [HostPort], sender: @escaping Sender = defaultSender) async -> [MemberStatus] {
        async let srvr = ask(FourLetterRequest(word: "srvr"), servers: servers, sender: sender)
        async let mntr = ask(FourLetterRequest(word: "mntr"), servers: servers, sender: sender)
        let (srvrAnswers, mntrAnswers) = await (srvr, mntr)
        return zip(srvrAnswers, mntrAnswers).map { status(srvr: $0, mntr: $1) }
    }

    static func status(srvr: ServerAnswer, mntr: ServerAnswer) -> MemberStatus {
        var member = MemberStatus(server: srvr.server)
        guard let text = srvr.text, text.contains("Mode:") else {
            member.error = srvr.error ?? srvr.text.map { String($0.trimmingBlanks()) } ?? "no answer"
            return member
        }
        let fields = keyValues(text, separator: ":")
        member.mode = fields["Mode"]
        member.zxid = fields["Zxid"].flatMap { Int64($0.hasPrefix("0x") ? String($0.dropFirst(2)) : $0, radix: 16) }
        member.latency = fields["Latency min/avg/max"]
        member.connections = fields["Connections"].flatMap { Int($0) }
        member.outstanding = fields["Outstanding"].flatMap { Int($0) }
        member.znodes = fields["Node count"].flatMap { Int($0) }
        member.packetsReceived = fields["Received"].flatMap { Int64($0) }
        if let mntr = mntr.text {
            let metrics = keyValues(mntr, separator: "\t")
            member.syncedFollowers = metrics["zk_synced_followers"].flatMap { Int($0) }
            member.watches = metrics["zk_watch_count"].flatMap { Int($0) }
            // Apache's summaries: zk_p99_<name> (readlatency, updatelatency, fsynctime), in ms.
            let read = metrics["zk_p99_readlatency"].flatMap { Double($0) }, update = metrics["zk_p99_updatelatency"].flatMap { Double($0) }
            member.latencyP99 = [read, update].compactMap { $0 }.max()
            member.fsyncP99 = metrics["zk_p99_fsynctime"].flatMap { Double($0) }
        }
        return member
    }

    /// "Key: value" (srvr) or "key\tvalue" (mntr) lines.
    static func keyValues(_ text: String, separator: Character) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let index = line.firstIndex(of: separator) else { continue }
            result[String(line[..<index].trimmingBlanks())] = String(line[line.index(after: index)...].trimmingBlanks())
        }
        return result
    }
}

/// A four-letter word as sent: stmk carries its mask as 8 big-endian bytes after the word.
public struct FourLetterRequest: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var word: String
    public var argument: Int64?

    public init(word: String, argument: Int64? = nil) { self.word = word; self.argument = argument }
    public init(stringLiteral word: String) { self.init(word: word) }

    public var description: String { word }

    public var bytes: [UInt8] {
        var bytes = Array(word.utf8)
        if let argument { bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(bitPattern: argument) >> ($0 * 8)) } }
        return bytes
    }
}
