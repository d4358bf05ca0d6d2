import NIOCore
import ZKJute

/// What follows a SNAP packet on the learner stream, outside any QuorumPacket (LearnerHandler.run):
/// the leader's ZKDatabase.serializeSnapshot, i.e. SerializeUtils.serializeSnapshot -- int session
/// count, (long id, int timeout) per session, then DataTree.serialize (the ACL cache and the nodes, up to
/// the "/" end marker) -- with no file header, checksum or digest, and then the jute string "BenWasHere".
/// The learner checks the string and fails the sync when it differs (Learner.syncWithLeader). The
/// snapshot body belongs to the storage layer; this is the part that brackets it.
public enum SnapTransfer {
    public static let signature = "BenWasHere"

    public static func writeSignature(into b: inout ByteBuffer) { b.writeJuteString(signature) }

    public enum SignatureCheck: Equatable, Sendable {
        case needMoreBytes
        case valid
        /// Anything else: the stream is out of step and the connection must be dropped.
        case invalid
    }

    /// Consumes the signature when it is all there; leaves the buffer alone otherwise.
    public static func readSignature(from b: inout ByteBuffer) -> SignatureCheck {
        guard let length = b.getInteger(at: b.readerIndex, as: Int32.self) else { return .needMoreBytes }
        guard Int(length) == signature.utf8.count else { return .invalid }
        guard b.readableBytes >= 4 + Int(length) else { return .needMoreBytes }
        b.moveReaderIndex(forwardBy: 4)
        let bytes = b.readBytes(length: Int(length)) ?? []
        return bytes.elementsEqual(signature.utf8) ? .valid : .invalid
    }
}
