/// Apache's BlueThrottle (zookeeper.connection_throttle_*): a token bucket for new sessions, with BLUE's
/// random early drop when the bucket stays empty. Time and the random draw are passed in.
public struct ConnectionThrottle: Sendable, Equatable {
    public struct Settings: Sendable, Equatable {
        /// connection_throttle_tokens: the bucket's size; 0 turns the throttle off (Apache's default).
        public var maxTokens = 0
        /// connection_throttle_fill_time (ms) and connection_throttle_fill_count: fillCount tokens per fillTime.
        public var fillTime: Int64 = 1
        public var fillCount = 1
        /// connection_throttle_freeze_time (ms): how often the drop probability moves; -1 turns BLUE off.
        public var freezeTime: Int64 = -1
        /// connection_throttle_drop_increase / _drop_decrease / _decrease_ratio.
        public var dropIncrease = 0.02
        public var dropDecrease = 0.002
        public var decreasePoint = 0.0
        public init() {}
    }

    public let settings: Settings
    public private(set) var tokens: Int
    var lastTime: Int64
    var lastFreeze: Int64
    /// BLUE's drop probability (mntr's connection_drop_probability).
    public private(set) var drop = 0.0

    public init(_ settings: Settings, now: Int64) {
        self.settings = settings
        tokens = settings.maxTokens
        lastTime = now
        lastFreeze = now
    }

    public var enabled: Bool { settings.maxTokens > 0 }
    /// Tokens missing from a full bucket (connection_token_deficit).
    public var deficit: Int { settings.maxTokens - tokens }

    /// Whether a new session may be made now; takes a token if so. `random` is a draw in [0, 1).
    public mutating func admit(now: Int64, random: Double) -> Bool {
        guard enabled else { return true }
        let elapsed = now - lastTime
        if elapsed > settings.fillTime {
            let refill = Int(elapsed * Int64(settings.fillCount) / max(1, settings.fillTime))
            tokens = min(tokens + refill, settings.maxTokens)
            lastTime = now
        }
        if settings.freezeTime != -1, !blue(now: now, random: random) { return false }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    private mutating func blue(now: Int64, random: Double) -> Bool {
        let used = settings.maxTokens - tokens
        let threshold = Int((Double(settings.maxTokens) * settings.decreasePoint).rounded())
        if now - lastFreeze > settings.freezeTime {
            if used == settings.maxTokens && drop < 1 {
                drop = min(drop + settings.dropIncrease, 1)
            } else if used <= threshold && drop > 0 {
                drop = max(drop - settings.dropDecrease, 0)
            }
            lastFreeze = now
        }
        return !(random < drop)
    }
}
