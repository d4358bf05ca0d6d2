import Testing
import ZKProtocol

/// CreateMode, Watcher enums and Perms against Apache's numbers (reference facts §1, "Other enums").
@Suite struct ConstantsTableTests {
    @Test func createModes() {
        let apache: [(CreateMode, Int32)] = [(.persistent, 0), (.ephemeral, 1), (.persistentSequential, 2),
                                             (.ephemeralSequential, 3), (.container, 4), (.persistentWithTTL, 5),
                                             (.persistentSequentialWithTTL, 6)]
        for (mode, value) in apache { #expect(mode.rawValue == value) }
        #expect(CreateMode.allCases.count == apache.count)
        #expect(CreateMode.allCases.filter(\.isEphemeral) == [.ephemeral, .ephemeralSequential])
        #expect(CreateMode.allCases.filter(\.isSequential) == [.persistentSequential, .ephemeralSequential, .persistentSequentialWithTTL])
        #expect(CreateMode.allCases.filter(\.isTTL) == [.persistentWithTTL, .persistentSequentialWithTTL])
    }

    @Test func eventTypes() {
        let apache: [(EventType, Int32, String)] = [
            (.none, -1, "None"), (.nodeCreated, 1, "NodeCreated"), (.nodeDeleted, 2, "NodeDeleted"),
            (.nodeDataChanged, 3, "NodeDataChanged"), (.nodeChildrenChanged, 4, "NodeChildrenChanged"),
            (.dataWatchRemoved, 5, "DataWatchRemoved"), (.childWatchRemoved, 6, "ChildWatchRemoved"),
            (.persistentWatchRemoved, 7, "PersistentWatchRemoved"),
        ]
        for (type, value, name) in apache { #expect(type.rawValue == value); #expect(type.name == name) }
        #expect(EventType.allCases.count == apache.count)
    }

    @Test func keeperStates() {
        let apache: [(KeeperState, Int32)] = [(.unknown, -1), (.disconnected, 0), (.noSyncConnected, 1), (.syncConnected, 3),
                                              (.authFailed, 4), (.connectedReadOnly, 5), (.saslAuthenticated, 6),
                                              (.expired, -112), (.closed, 7)]
        for (state, value) in apache { #expect(state.rawValue == value, "\(state)") }
        #expect(KeeperState.allCases.count == apache.count)
        #expect(KeeperState.syncConnected.name == "SyncConnected")
    }

    @Test func watcherTypesAndAddWatchModes() {
        #expect(WatcherType.allCases.map(\.rawValue) == [1, 2, 3, 4, 5])
        #expect(AddWatchMode.persistent.rawValue == 0)
        #expect(AddWatchMode.persistentRecursive.rawValue == 1)
    }

    @Test func perms() {
        #expect(Perms.read.rawValue == 1 && Perms.write.rawValue == 2 && Perms.create.rawValue == 4)
        #expect(Perms.delete.rawValue == 8 && Perms.admin.rawValue == 16 && Perms.all.rawValue == 31)
        #expect(Perms.all.letters == "cdrwa")
        #expect(Perms(letters: "rw") == [.read, .write])
        #expect(Perms(letters: "x") == nil)
    }
}
