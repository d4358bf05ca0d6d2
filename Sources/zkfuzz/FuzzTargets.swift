import NIOCore
import ZKJute
import ZKProtocol
import ZKSecurity
import ZKStorage

/// The decoders that read bytes from outside: each target takes any input and must return or throw,
/// never crash, hang or read out of bounds. Run by libFuzzer (scripts/fuzz.sh) and, in a normal build,
/// over the kept inputs of Tests/Fuzz (regressions and seeds).
enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "client": client, "quorum": quorum, "election": election, "txnlog": txnLog, "snapshot": snapshot,
        "jaas": jaas, "sasl": sasl, "keystore": keyStore,
    ]

    /// A client's first frame (ConnectRequest) or any later frame, every opcode's record.
    static func client(_ input: [UInt8]) {
        var buffer = ByteBuffer(bytes: input)
        if input.first == 0 {
            buffer.moveReaderIndex(forwardBy: 1)
            _ = try? ConnectRequest(from: &buffer)
            return
        }
        while buffer.readableBytes >= 4, let length = buffer.readInteger(as: Int32.self), length >= 0,
              var frame = buffer.readSlice(length: min(Int(length), buffer.readableBytes)) {
            if let request = try? ClientRequest(clientFrame: &frame) {
                // What decodes must encode again.
                var out = ByteBuffer()
                request.encode(into: &out)
            }
        }
    }

    /// A learner connection's stream: QuorumPackets and what they carry, and quorum SASL packets.
    static func quorum(_ input: [UInt8]) {
        var buffer = ByteBuffer(bytes: input)
        var auth = buffer
        _ = try? QuorumAuthPacket(from: &auth)
        let decoder = QuorumPacketDecoder(extraMaxBuffer: 1 << 20)
        while let packet = try? decoder.nextPacket(from: &buffer) {
            var data = ByteBuffer(bytes: packet.dataBytes ?? [])
            _ = try? LearnerInfo(from: &data)
            var txn = ByteBuffer(bytes: packet.dataBytes ?? [])
            _ = try? SerializedTxn(from: &txn)
            var request = ByteBuffer(bytes: packet.dataBytes ?? [])
            _ = try? LearnerRequest(from: &request)
        }
    }

    /// An election connection: the initial message, then framed notifications.
    static func election(_ input: [UInt8]) {
        var buffer = ByteBuffer(bytes: input)
        guard (try? ElectionInitialMessage.decode(from: &buffer)) != nil else { return }
        while let message = try? ElectionFraming.nextMessage(from: &buffer) {
            _ = try? ElectionNotification(message: message)
        }
    }

    static func txnLog(_ input: [UInt8]) { _ = try? TxnLogFormat.read(file: ByteBuffer(bytes: input)) }

    static func snapshot(_ input: [UInt8]) { _ = try? SnapshotFormat.deserialize(ByteBuffer(bytes: input)) }

    static func jaas(_ input: [UInt8]) { _ = try? JAASConfig.parse(String(decoding: input, as: UTF8.self)) }

    /// Both SASL steps of the server, and the client answering the same bytes as a challenge.
    static func sasl(_ input: [UInt8]) {
        let cut = input.firstIndex(of: 0) ?? input.count
        var server = DigestMD5Server(nonce: "fuzz-nonce") { $0 == "u" ? "p" : nil }
        _ = try? server.evaluate(Array(input[..<cut]))
        _ = try? server.evaluate(Array(input[min(cut + 1, input.count)...]))
        var client = DigestMD5Client(username: "u", password: "p", cnonce: "c")
        _ = try? client.evaluate(input)
        _ = DigestMD5.parseDirectives(input)
    }

    /// Java key stores, and certificate subjects.
    static func keyStore(_ input: [UInt8]) {
        _ = try? JavaKeyStore(bytes: input, password: "apassword")
        _ = try? JavaKeyStore(bytes: input, password: nil, keysToo: false)
        _ = try? X509Name.subject(ofCertificateDER: input)
    }
}
