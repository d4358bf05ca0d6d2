import Foundation
import NIOCore
import Testing
import ZKDataTree
import ZKProtocol
@testable import ZKStorage

/// TRUNC from a new leader: logged history after a zxid goes, with any snapshot taken after it.
@Suite struct TruncationTests {
    @Test func dropsEntriesFilesAndSnapshotsAfterTheZxid() throws {
        let dir = StorageFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = (1...3).map { StorageFixtures.create("/a\($0)", zxid: Int64($0)) }
        let second = (4...5).map { StorageFixtures.create("/a\($0)", zxid: Int64($0)) }
        StorageFixtures.write(StorageFixtures.logFile(first), to: dir + "/" + TxnLogFormat.fileName(firstZxid: 1))
        StorageFixtures.write(StorageFixtures.logFile(second), to: dir + "/" + TxnLogFormat.fileName(firstZxid: 4))
        var snapshot = ByteBuffer()
        SnapshotFormat.serialize(tree: DataTree(), sessions: [], into: &snapshot)
        StorageFixtures.write(snapshot, to: dir + "/" + SnapshotFormat.fileName(zxid: 4))

        let notes = try LogTruncation.truncate(logDirectory: dir, snapshotDirectory: dir, after: 2)
        #expect(notes.count == 3)
        let state = try Recovery.recover(snapshotDirectory: dir, logDirectory: dir, extendedTypesEnabled: false)
        #expect(state.tree.lastProcessedZxid == 2)
        #expect(state.logTail.map(\.zxid) == [1, 2])
        #expect(state.tree.node("/a3") == nil && state.tree.node("/a2") != nil)
        #expect(Recovery.snapshotFiles(dir).isEmpty)
        // Truncating at or past the end changes nothing.
        #expect(try LogTruncation.truncate(logDirectory: dir, snapshotDirectory: dir, after: 9).isEmpty)
        #expect(try LogTruncation.truncate(logDirectory: dir, snapshotDirectory: dir, after: 0).count == 1)
        #expect(try Recovery.recover(snapshotDirectory: dir, logDirectory: dir, extendedTypesEnabled: false).tree.lastProcessedZxid == 0)
    }

    @Test func epochFilesRoundTripAndRefuseGarbage() throws {
        let dir = StorageFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try EpochFile.read(dir, EpochFile.accepted) == nil)
        try EpochFile.write(dir, EpochFile.accepted, 7)
        #expect(try EpochFile.read(dir, EpochFile.accepted) == 7)
        StorageFixtures.write(ByteBuffer(string: "seven"), to: dir + "/" + EpochFile.current)
        #expect(throws: Recovery.Failure.self) { try EpochFile.read(dir, EpochFile.current) }
    }
}
