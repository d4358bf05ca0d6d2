import Testing
@testable import ZKDataTree
import ZKProtocol

@Suite struct ACLInternerTests {
    func storage(_ acl: [ACL]) -> UnsafeRawPointer? { acl.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }

    func digestACL(_ user: String) -> [ACL] {
        // Built afresh each time, as a decoded request's list is.
        [ACL(perms: .all, id: Id(scheme: "digest", id: String("\(user):hash".reversed().reversed())))]
    }

    @Test func equalListsOfDifferentNodesShareOneArray() {
        let tree = DataTree()
        var sink = RecordingSink()
        _ = tree.apply(txn(.create(CreateTxn(path: "/a", data: [], acl: digestACL("u"), ephemeral: false, parentCVersion: -1)), zxid: 1), sink: &sink)
        _ = tree.apply(txn(.create(CreateTxn(path: "/b", data: [], acl: digestACL("u"), ephemeral: false, parentCVersion: -1)), zxid: 2), sink: &sink)
        _ = tree.apply(txn(.create(CreateTxn(path: "/c", data: [], acl: [ACL(perms: .all, id: .anyone)], ephemeral: false, parentCVersion: -1)), zxid: 3), sink: &sink)
        _ = tree.apply(txn(.setACL(SetACLTxn(path: "/c", acl: digestACL("u"), version: 1)), zxid: 4), sink: &sink)
        let a = tree.node("/a")!.acl, b = tree.node("/b")!.acl, c = tree.node("/c")!.acl
        #expect(a == digestACL("u") && storage(a) == storage(b) && storage(a) == storage(c))
        _ = tree.apply(txn(.create(CreateTxn(path: "/d", data: [], acl: [ACL(perms: .all, id: .anyone)], ephemeral: false, parentCVersion: -1)), zxid: 5), sink: &sink)
        #expect(storage(tree.node("/d")!.acl) == storage(ACL.openACLUnsafe))
    }

    @Test func pastItsCapacityListsAreKeptAsTheyCome() {
        var interner = ACLInterner()
        for i in 0..<(interner.capacity + 10) { _ = interner.intern(digestACL("user\(i)")) }
        #expect(interner.count == interner.capacity)
        let late = digestACL("late")
        #expect(interner.intern(late) == late)
        #expect(storage(interner.intern(digestACL("user1"))) == storage(interner.intern(digestACL("user1"))))
    }
}
