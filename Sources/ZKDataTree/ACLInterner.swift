import ZKProtocol

/// One shared array per distinct ACL list, as Apache's ReferenceCountedACLCache keeps one per list: a tree
/// uses a handful of lists, and a node holding its own copy of one costs about 80 bytes. Lists are never
/// evicted, so past `capacity` distinct lists, new ones are kept as they come instead of interned.
struct ACLInterner {
    private var lists: Set<[ACL]> = [ACL.openACLUnsafe, ACL.readACLUnsafe]
    let capacity = 4096

    mutating func intern(_ acl: [ACL]) -> [ACL] {
        if acl == ACL.openACLUnsafe { return ACL.openACLUnsafe }
        if let known = lists.firstIndex(of: acl) { return lists[known] }
        if lists.count < capacity { lists.insert(acl) }
        return acl
    }

    var count: Int { lists.count }
}
