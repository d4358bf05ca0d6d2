import Foundation
import NIOCore
import ZKProtocol
import ZKServerCore
import ZKStorage

/// The files Apache keeps a configuration in once reconfiguration is on (QuorumPeer.setQuorumVerifier):
/// `<zoo.cfg>.dynamic.<version in hex>` with the members, and zoo.cfg rewritten to hold only the static part
/// and a `dynamicConfigFile=` line naming it. The next start reads them back (ZooConfig.readDynamicConfig).
enum DynamicConfigFiles {
    /// writeDynamicConfig: the server lines, sorted as text, no version (the file's name carries it).
    static func dynamicText(_ config: QuorumConfig) -> String {
        config.memberLines.sorted().joined(separator: "\n")
    }

    static func dynamicPath(configPath: String, version: Int64) -> String {
        configPath + ".dynamic." + String(version, radix: 16)
    }

    /// editStaticConfig: zoo.cfg without its membership keys (and without clientPort/clientPortAddress when
    /// this server's line now gives its client address), then the pointer to the dynamic file. Unlike
    /// Apache, which writes its Properties back in hash order without comments, the other lines keep their
    /// order and comments.
    static func staticText(_ text: String, dynamicPath: String, eraseClientAddress: Bool) -> String {
        var kept: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingBlanks()
            let key = trimmed.prefix { $0 != "=" && $0 != ":" && $0 != " " && $0 != "\t" }
            let dropped = ["server.", "group", "weight", "dynamicConfigFile", "peerType"].contains { key.hasPrefix($0) }
                || (eraseClientAddress && key.hasPrefix("clientPort"))
            if !dropped || trimmed.hasPrefix("#") || trimmed.hasPrefix("!") { kept.append(line) }
        }
        while let last = kept.last, last.trimmingBlanks().isEmpty { kept.removeLast() }
        return kept.joined(separator: "\n") + "\ndynamicConfigFile=" + dynamicPath + "\n"
    }

    /// Writes both files, each atomically; `myId`'s line decides whether the client address moves out of zoo.cfg.
    static func write(_ config: QuorumConfig, configPath: String, myId: Int64) throws {
        let absolute = URL(fileURLWithPath: configPath).standardizedFileURL.path
        let directory = URL(fileURLWithPath: absolute).deletingLastPathComponent().path
        let dynamic = dynamicPath(configPath: absolute, version: config.version)
        try FileSystem.writeFileAtomically(dynamic, directory: directory, ByteBuffer(string: dynamicText(config)))
        let current = String(buffer: try FileSystem.readFile(absolute))
        let edited = staticText(current, dynamicPath: dynamic, eraseClientAddress: config.servers[myId]?.clientPort != nil)
        try FileSystem.writeFileAtomically(absolute, directory: directory, ByteBuffer(string: edited))
    }

    /// backupOldConfig: a zoo.cfg that still holds its members is kept as zoo.cfg.bak before the first
    /// reconfiguration rewrites it.
    static func backUp(configPath: String) throws {
        let absolute = URL(fileURLWithPath: configPath).standardizedFileURL.path
        let directory = URL(fileURLWithPath: absolute).deletingLastPathComponent().path
        try FileSystem.writeFileAtomically(absolute + ".bak", directory: directory, try FileSystem.readFile(absolute))
    }
}
