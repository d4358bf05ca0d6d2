import ZKProtocol

/// Identifies whoever set a watch: a client connection (watches belong to connections, and a client
/// re-registers them with SetWatches after reconnecting, as in Apache).
public typealias WatcherID = UInt64

public enum WatchMode: Sendable, Equatable {
    case standard
    case persistent
    case persistentRecursive

    var isPersistent: Bool { self != .standard }
}

/// Receives triggered watch events.
public protocol WatchSink {
    mutating func deliver(_ event: WatcherEvent, to watcher: WatcherID)
    /// One event fired `watchers` watches of one table (Apache's per-event watch-count metrics).
    mutating func fired(_ type: EventType, watchers: Int)
}

extension WatchSink {
    public mutating func fired(_ type: EventType, watchers: Int) {}
}

/// One of Apache's two WatchManagers (data/exist watches, or child watches).
/// Invariant: `paths[p][w] == m` exactly when `byWatcher[w]` contains p.
public struct WatchTable: Sendable {
    public private(set) var paths: [String: [WatcherID: WatchMode]] = [:]
    public private(set) var byWatcher: [WatcherID: Set<String>] = [:]
    /// How many recursive watches exist; when zero, a trigger never walks up the parents.
    private var recursiveCount = 0

    public init() {}

    public var count: Int { paths.values.reduce(0) { $0 + $1.count } }
    public var isEmpty: Bool { paths.isEmpty }

    public mutating func add(_ path: String, _ watcher: WatcherID, mode: WatchMode) {
        // One mode per watcher and path, the last one set wins (Apache 3.8's WatcherModeManager):
        // a one-shot watch set after a persistent one turns it into a one-shot.
        if let existing = paths[path]?[watcher], existing == .persistentRecursive { recursiveCount -= 1 }
        paths[path, default: [:]][watcher] = mode
        byWatcher[watcher, default: []].insert(path)
        if mode == .persistentRecursive { recursiveCount += 1 }
    }

    public func contains(_ path: String, _ watcher: WatcherID, where predicate: (WatchMode) -> Bool = { _ in true }) -> Bool {
        guard let mode = paths[path]?[watcher] else { return false }
        return predicate(mode)
    }

    public func mode(_ path: String, _ watcher: WatcherID) -> WatchMode? { paths[path]?[watcher] }

    @discardableResult
    public mutating func remove(_ path: String, _ watcher: WatcherID, where predicate: (WatchMode) -> Bool = { _ in true }) -> Bool {
        guard let mode = paths[path]?[watcher], predicate(mode) else { return false }
        removeEntry(path, watcher, mode)
        return true
    }

    private mutating func removeEntry(_ path: String, _ watcher: WatcherID, _ mode: WatchMode) {
        paths[path]?[watcher] = nil
        if paths[path]?.isEmpty == true { paths[path] = nil }
        byWatcher[watcher]?.remove(path)
        if byWatcher[watcher]?.isEmpty == true { byWatcher[watcher] = nil }
        if mode == .persistentRecursive { recursiveCount -= 1 }
    }

    /// Drops every watch of a connection that went away.
    public mutating func removeWatcher(_ watcher: WatcherID) {
        guard let watched = byWatcher[watcher] else { return }
        for path in watched {
            if let mode = paths[path]?[watcher] { removeEntry(path, watcher, mode) }
        }
        byWatcher[watcher] = nil
    }

    /// Fires the watches an event on `path` triggers: one-shot and persistent watches on the path itself
    /// (one-shot ones are consumed), and recursive watches on it and its ancestors (not for child
    /// changes). Each watcher hears the event once; those in `suppress` are consumed but not told.
    @discardableResult
    public mutating func trigger<S: WatchSink>(
        _ path: String, _ type: EventType, sink: inout S, suppress: Set<WatcherID> = []
    ) -> Set<WatcherID> {
        var notified = Set<WatcherID>()
        if let watchers = paths[path] {
            for (watcher, mode) in watchers {
                if mode == .persistentRecursive && type == .nodeChildrenChanged { continue }
                notified.insert(watcher)
                if mode == .standard { removeEntry(path, watcher, mode) }
            }
        }
        if recursiveCount > 0 && type != .nodeChildrenChanged {
            var ancestor = path
            while ancestor != "/", let parent = ZNodePath.parentKey(of: ancestor) {
                ancestor = parent
                guard let watchers = paths[ancestor] else { continue }
                for (watcher, mode) in watchers where mode == .persistentRecursive { notified.insert(watcher) }
            }
        }
        if !notified.isEmpty {
            let event = WatcherEvent(type: type, state: .syncConnected, path: path)
            for watcher in notified where !suppress.contains(watcher) { sink.deliver(event, to: watcher) }
            sink.fired(type, watchers: notified.count)
        }
        return notified
    }
}

/// Both watch tables, with the rules that tie them together.
public struct WatchRegistry: Sendable {
    public var data = WatchTable()
    public var child = WatchTable()

    public init() {}

    public var totalCount: Int { data.count + child.count }

    /// addWatch: both tables get the watch. A recursive one in the child table hears no child changes,
    /// but it does hear a descendant's deletion there, as in Apache 3.8.0 (seen against the reference).
    public mutating func addPersistent(_ path: String, _ watcher: WatcherID, recursive: Bool) {
        let mode: WatchMode = recursive ? .persistentRecursive : .persistent
        data.add(path, watcher, mode: mode)
        child.add(path, watcher, mode: mode)
    }

    public mutating func removeWatcher(_ watcher: WatcherID) {
        data.removeWatcher(watcher)
        child.removeWatcher(watcher)
    }

    /// Whether `watcher` has a watch of `type` on `path` (checkWatches). Data and children name the
    /// table, whatever the watch's mode, as Apache's server does.
    public func contains(_ path: String, type: WatcherType, _ watcher: WatcherID) -> Bool {
        switch type {
        case .children: return child.contains(path, watcher)
        case .data: return data.contains(path, watcher)
        case .persistent: return data.contains(path, watcher) { $0 == .persistent }
        case .persistentRecursive: return data.contains(path, watcher) { $0 == .persistentRecursive }
        case .any: return child.contains(path, watcher) || data.contains(path, watcher)
        }
    }

    /// removeWatches; true when something was removed. Data and children remove that table's watch
    /// whatever its mode (so half of a persistent watch can go), as Apache's server does.
    public mutating func remove(_ path: String, type: WatcherType, _ watcher: WatcherID) -> Bool {
        switch type {
        case .children: return child.remove(path, watcher)
        case .data: return data.remove(path, watcher)
        case .persistent:
            let a = data.remove(path, watcher) { $0 == .persistent }
            let b = child.remove(path, watcher) { $0 == .persistent }
            return a || b
        case .persistentRecursive:
            let a = data.remove(path, watcher) { $0 == .persistentRecursive }
            let b = child.remove(path, watcher) { $0 == .persistentRecursive }
            return a || b
        case .any:
            let a = child.remove(path, watcher)
            let b = data.remove(path, watcher)
            return a || b
        }
    }
}
