import ZKProtocol

/// What a request does to the client's record of its watches once the reply arrives (Apache's
/// WatchRegistration subclasses). Paths are server paths (chroot included), as SetWatches needs them.
enum WatchIntent: Sendable, Hashable {
    case none
    /// getData with watch: a data watch on OK.
    case data(String)
    /// exists with watch: a data watch on OK, an exist watch on NoNode.
    case exists(String)
    /// getChildren(2) with watch: a child watch on OK.
    case child(String)
    case persistent(String)
    case persistentRecursive(String)
    /// removeWatches: drops the local record on OK.
    case remove(String, WatcherType)

    init(op: OpCode, body: ClientRequest.Body) {
        switch body {
        case .getData(let r) where r.watch: self = .data(r.path)
        case .exists(let r) where r.watch: self = .exists(r.path)
        case .getChildren(let r) where r.watch, .getChildren2(let r) where r.watch: self = .child(r.path)
        case .addWatch(let r):
            switch AddWatchMode(rawValue: r.type) {
            case .persistent: self = .persistent(r.path)
            case .persistentRecursive: self = .persistentRecursive(r.path)
            case nil: self = .none
            }
        case .removeWatches(let r):
            if let type = WatcherType(rawValue: r.type) { self = .remove(r.path, type) } else { self = .none }
        default: self = .none
        }
    }
}

/// The client's watches, kept like Apache's ZKWatchManager so that they can be re-registered with
/// SetWatches after a reconnect. One-shot watches go away when their event fires; persistent ones stay.
struct ClientWatchRegistry: Sendable, Equatable {
    var data: Set<String> = []
    var exist: Set<String> = []
    var child: Set<String> = []
    var persistent: Set<String> = []
    var persistentRecursive: Set<String> = []

    var isEmpty: Bool {
        data.isEmpty && exist.isEmpty && child.isEmpty && persistent.isEmpty && persistentRecursive.isEmpty
    }

    /// Records the effect of a reply; returns the local "watch removed" events a successful removeWatches
    /// produces (server paths), as Apache's client fires them.
    mutating func apply(_ intent: WatchIntent, error: ErrorCode) -> [(EventType, String)] {
        switch intent {
        case .none: break
        case .data(let path): if error == .ok { data.insert(path) }
        case .exists(let path):
            if error == .ok { data.insert(path) } else if error == .noNode { exist.insert(path) }
        case .child(let path): if error == .ok { child.insert(path) }
        case .persistent(let path): if error == .ok { persistent.insert(path) }
        case .persistentRecursive(let path): if error == .ok { persistentRecursive.insert(path) }
        case .remove(let path, let type):
            guard error == .ok else { break }
            return remove(path, type)
        }
        return []
    }

    private mutating func remove(_ path: String, _ type: WatcherType) -> [(EventType, String)] {
        var events: [(EventType, String)] = []
        if type == .children || type == .any, child.remove(path) != nil {
            events.append((.childWatchRemoved, path))
        }
        if type == .data || type == .any {
            let hadData = data.remove(path) != nil
            let hadExist = exist.remove(path) != nil
            if hadData || hadExist { events.append((.dataWatchRemoved, path)) }
        }
        var hadPersistent = false
        if type == .persistent || type == .any { hadPersistent = persistent.remove(path) != nil }
        if type == .persistentRecursive || type == .any {
            hadPersistent = persistentRecursive.remove(path) != nil || hadPersistent
        }
        if hadPersistent { events.append((.persistentWatchRemoved, path)) }
        return events
    }

    /// A notification fired: drop the one-shot watches it consumed (ZKWatchManager.materialize).
    mutating func trigger(_ type: EventType, path: String) {
        switch type {
        case .nodeCreated, .nodeDataChanged:
            data.remove(path); exist.remove(path)
        case .nodeChildrenChanged:
            child.remove(path)
        case .nodeDeleted:
            data.remove(path); exist.remove(path); child.remove(path)
        case .none, .dataWatchRemoved, .childWatchRemoved, .persistentWatchRemoved:
            break
        }
    }

    /// Apache's batch bound for one SetWatches packet (ClientCnxn.SET_WATCHES_MAX_LENGTH).
    static let setWatchesMaxLength = 128 * 1024

    /// The SetWatches packets that re-register every watch, in batches of about 128 KiB of paths, sorted so
    /// that the output is deterministic. SetWatches2 form only for batches holding persistent watches.
    func setWatches(relativeZxid: Int64) -> [SetWatches] {
        if isEmpty { return [] }
        let lists = [data.sorted(), exist.sorted(), child.sorted(), persistent.sorted(), persistentRecursive.sorted()]
        var batches: [SetWatches] = []
        var current: [[String]] = Array(repeating: [], count: 5)
        var length = 0
        func flush() {
            let hasPersistent = !current[3].isEmpty || !current[4].isEmpty
            batches.append(SetWatches(relativeZxid: relativeZxid, dataWatches: current[0], existWatches: current[1],
                                      childWatches: current[2],
                                      persistentWatches: hasPersistent ? current[3] : nil,
                                      persistentRecursiveWatches: hasPersistent ? current[4] : nil))
            current = Array(repeating: [], count: 5); length = 0
        }
        for (kind, list) in lists.enumerated() {
            for path in list {
                if length >= Self.setWatchesMaxLength { flush() }
                current[kind].append(path)
                length += path.utf8.count
            }
        }
        if length > 0 || current.contains(where: { !$0.isEmpty }) { flush() }
        return batches
    }
}
