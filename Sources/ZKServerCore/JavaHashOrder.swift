import ZKProtocol

/// The order in which Apache lists a connection's identities (whoAmI): it keeps them in a
/// ConcurrentHashMap-backed set, so they come out by hash bucket, not by when they were added.
enum JavaHashOrder {
    /// java.lang.String.hashCode over UTF-16 code units, with Int32 wrap-around.
    static func stringHash(_ s: String) -> Int32 {
        var h: Int32 = 0
        for unit in s.utf16 { h = h &* 31 &+ Int32(unit) }
        return h
    }

    /// The jute-generated Id.hashCode.
    static func idHash(_ id: Id) -> Int32 {
        var result: Int32 = 17
        result = 37 &* result &+ stringHash(id.scheme)
        result = 37 &* result &+ stringHash(id.id)
        return result
    }

    /// Iteration order of a default ConcurrentHashMap holding `ids` (added in this order): by bucket
    /// (spread hash masked to the table size), and within a bucket by insertion.
    static func concurrentHashMapOrder(_ ids: [Id]) -> [Id] {
        var tableSize = 16
        // The table doubles once the count reaches three quarters of it.
        while ids.count >= tableSize - tableSize / 4 { tableSize *= 2 }
        func bucket(_ id: Id) -> Int {
            let h = UInt32(bitPattern: idHash(id))
            let spread = (h ^ (h >> 16)) & 0x7fff_ffff
            return Int(spread) & (tableSize - 1)
        }
        return ids.enumerated().sorted { a, b in
            let (ba, bb) = (bucket(a.element), bucket(b.element))
            return ba != bb ? ba < bb : a.offset < b.offset
        }.map(\.element)
    }
}
