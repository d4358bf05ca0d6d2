import Foundation
import Testing
@testable import ZKStorage

/// acceptedEpoch and currentEpoch where Apache keeps them (dataDir/version-2), loaded as QuorumPeer does.
@Suite struct EpochFileTests {
    let dataDir = StorageFixtures.temporaryDirectory()
    var versioned: String { dataDir + "/version-2" }

    init() throws { try FileManager.default.createDirectory(atPath: dataDir + "/version-2", withIntermediateDirectories: true) }

    func contents(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    @Test func apacheFilesInVersion2AreRead() throws {
        try EpochFile.write(versioned, EpochFile.accepted, 3)
        try EpochFile.write(versioned, EpochFile.current, 3)
        let epochs = try EpochFile.load(directory: versioned, legacyDirectory: dataDir, lastZxid: 0x3_0000_0007)
        #expect(epochs == EpochFile.Epochs(accepted: 3, current: 3, notes: []))
    }

    @Test func filesZkserverKeptAtTheTopAreMovedOnce() throws {
        try EpochFile.write(dataDir, EpochFile.accepted, 2)
        try EpochFile.write(dataDir, EpochFile.current, 2)
        let epochs = try EpochFile.load(directory: versioned, legacyDirectory: dataDir, lastZxid: 0x2_0000_0001)
        #expect(epochs.accepted == 2 && epochs.current == 2 && epochs.notes.count == 2)
        #expect(contents(versioned + "/acceptedEpoch") == "2" && contents(versioned + "/currentEpoch") == "2")
        #expect(!FileManager.default.fileExists(atPath: dataDir + "/acceptedEpoch"))
        #expect(try EpochFile.load(directory: versioned, legacyDirectory: dataDir, lastZxid: 0x2_0000_0001).notes.isEmpty)
    }

    @Test func missingFilesStartAtTheEpochOfTheLastZxid() throws {
        let epochs = try EpochFile.load(directory: versioned, legacyDirectory: dataDir, lastZxid: 0x5_0000_0009)
        #expect(epochs.accepted == 5 && epochs.current == 5)
        #expect(contents(versioned + "/currentEpoch") == "5")
    }

    @Test func aCurrentEpochOlderThanTheLogIsAnErrorNamingTheFile() throws {
        try EpochFile.write(versioned, EpochFile.current, 1)
        do {
            _ = try EpochFile.load(directory: versioned, legacyDirectory: dataDir, lastZxid: 0x2_0000_0001)
            Issue.record("loaded")
        } catch let failure as Recovery.Failure {
            #expect(failure.file == versioned + "/currentEpoch")
            #expect(failure.description.contains("the current epoch, 1, is older than the last zxid, 0x200000001"))
        }
    }

    @Test func anInterruptedCurrentEpochWriteIsFinishedFromItsTemporaryFile() throws {
        // Apache's AtomicFileOutputStream writes currentEpoch.tmp, then renames it.
        try EpochFile.write(versioned, EpochFile.current, 1)
        try "2".write(toFile: versioned + "/currentEpoch.tmp", atomically: false, encoding: .utf8)
        let epochs = try EpochFile.load(directory: versioned, legacyDirectory: dataDir, lastZxid: 0x2_0000_0001)
        #expect(epochs.current == 2)
        #expect(contents(versioned + "/currentEpoch") == "2")
    }

    @Test func garbageIsAnErrorNotAZero() throws {
        try "x1".write(toFile: versioned + "/acceptedEpoch", atomically: false, encoding: .utf8)
        #expect(throws: Recovery.Failure.self) {
            _ = try EpochFile.load(directory: versioned, legacyDirectory: dataDir, lastZxid: 0)
        }
    }
}
