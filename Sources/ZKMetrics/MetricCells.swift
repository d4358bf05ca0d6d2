import Atomics
import CoreMetrics

/// A monotonically increasing count. Relaxed atomics: any thread may add, a reader may see a value a few
/// increments old, and nothing on the hot path takes a lock.
public final class CounterCell: CounterHandler, Sendable {
    public let name: String
    private let value = ManagedAtomic<Int64>(0)

    init(name: String) { self.name = name }

    public func increment(by amount: Int64) { value.wrappingIncrement(by: amount, ordering: .relaxed) }
    public func reset() { value.store(0, ordering: .relaxed) }
    public var current: Int64 { value.load(ordering: .relaxed) }
}

/// A value set from outside (swift-metrics' Meter and non-aggregating Recorder).
public final class GaugeCell: MeterHandler, RecorderHandler, Sendable {
    public let name: String
    private let bits = ManagedAtomic<UInt64>(0)

    init(name: String) { self.name = name }

    public func set(_ value: Int64) { set(Double(value)) }
    public func set(_ value: Double) { bits.store(value.bitPattern, ordering: .relaxed) }
    public func record(_ value: Int64) { set(value) }
    public func record(_ value: Double) { set(value) }
    public func increment(by amount: Double) { update { $0 + amount } }
    public func decrement(by amount: Double) { update { $0 - amount } }
    public var current: Double { Double(bitPattern: bits.load(ordering: .relaxed)) }

    private func update(_ change: (Double) -> Double) {
        var old = bits.load(ordering: .relaxed)
        while true {
            let (done, seen) = bits.compareExchange(expected: old, desired: change(Double(bitPattern: old)).bitPattern, ordering: .relaxed)
            if done { return }
            old = seen
        }
    }
}

/// Apache's AvgMinMaxCounter, and with `percentiles` its AvgMinMaxPercentileCounter: count, sum, min and max
/// of integer samples (milliseconds for times), and a log-linear histogram the percentiles are read from
/// (mntr shows them only with `percentiles`, as Apache; its Prometheus summaries have a median either way).
/// Recording is a handful of relaxed atomic adds into storage allocated once.
public final class SummaryCell: RecorderHandler, TimerHandler, @unchecked Sendable {
    public let name: String
    public let hasPercentiles: Bool
    private let count = ManagedAtomic<Int64>(0)
    private let sum = ManagedAtomic<Int64>(0)
    private let minimum = ManagedAtomic<Int64>(.max)
    private let maximum = ManagedAtomic<Int64>(.min)
    private let buckets: UnsafeMutablePointer<UnsafeAtomic<Int64>.Storage>

    init(name: String, percentiles: Bool) {
        self.name = name
        hasPercentiles = percentiles
        buckets = .allocate(capacity: HistogramBuckets.count)
        buckets.initialize(repeating: UnsafeAtomic<Int64>.Storage(0), count: HistogramBuckets.count)
    }

    deinit {
        buckets.deinitialize(count: HistogramBuckets.count)
        buckets.deallocate()
    }

    public func record(_ value: Int64) {
        count.wrappingIncrement(ordering: .relaxed)
        sum.wrappingIncrement(by: value, ordering: .relaxed)
        Self.lower(minimum, to: value)
        Self.raise(maximum, to: value)
        UnsafeAtomic<Int64>(at: buckets + HistogramBuckets.index(of: value)).wrappingIncrement(ordering: .relaxed)
    }

    public func record(_ value: Double) { record(Int64(value.rounded(.towardZero))) }

    /// Times are kept in whole milliseconds, as Apache's.
    public func recordNanoseconds(_ duration: Int64) { record(duration / 1_000_000) }

    public func reset() {
        count.store(0, ordering: .relaxed)
        sum.store(0, ordering: .relaxed)
        minimum.store(.max, ordering: .relaxed)
        maximum.store(.min, ordering: .relaxed)
        for i in 0..<HistogramBuckets.count { UnsafeAtomic<Int64>(at: buckets + i).store(0, ordering: .relaxed) }
    }

    public var snapshot: SummarySnapshot {
        let n = count.load(ordering: .relaxed)
        var result = SummarySnapshot(count: n, sum: sum.load(ordering: .relaxed),
                                     min: n == 0 ? 0 : minimum.load(ordering: .relaxed),
                                     max: n == 0 ? 0 : maximum.load(ordering: .relaxed),
                                     quantiles: [], detailed: hasPercentiles)
        var counts = [Int64](repeating: 0, count: HistogramBuckets.count)
        for i in 0..<HistogramBuckets.count { counts[i] = UnsafeAtomic<Int64>(at: buckets + i).load(ordering: .relaxed) }
        result.quantiles = SummarySnapshot.reported.map { HistogramBuckets.quantile($0, of: counts, min: result.min, max: result.max) }
        return result
    }

    private static func lower(_ atomic: ManagedAtomic<Int64>, to value: Int64) {
        var seen = atomic.load(ordering: .relaxed)
        while value < seen {
            let (done, now) = atomic.compareExchange(expected: seen, desired: value, ordering: .relaxed)
            if done { return }
            seen = now
        }
    }

    private static func raise(_ atomic: ManagedAtomic<Int64>, to value: Int64) {
        var seen = atomic.load(ordering: .relaxed)
        while value > seen {
            let (done, now) = atomic.compareExchange(expected: seen, desired: value, ordering: .relaxed)
            if done { return }
            seen = now
        }
    }
}

/// What a summary holds at one moment.
public struct SummarySnapshot: Sendable, Equatable {
    /// The quantiles kept: mntr prints p50/p95/p99/p999, Prometheus 0.5/0.9/0.99 as Apache's provider.
    public static let reported: [Double] = [0.5, 0.9, 0.95, 0.99, 0.999]
    public var count: Int64
    public var sum: Int64
    public var min: Int64
    public var max: Int64
    /// One value per `reported` quantile (0 while empty).
    public var quantiles: [Int64]
    /// Apache's ADVANCED detail: mntr prints p50...p999, Prometheus the 0.9 and 0.99 quantiles too.
    public var detailed: Bool

    public init(count: Int64, sum: Int64, min: Int64, max: Int64, quantiles: [Int64], detailed: Bool) {
        (self.count, self.sum, self.min, self.max, self.quantiles, self.detailed) = (count, sum, min, max, quantiles, detailed)
    }

    public var average: Double { count == 0 ? 0 : Double(sum) / Double(count) }

    public func quantile(_ q: Double) -> Int64? {
        guard let i = Self.reported.firstIndex(of: q) else { return nil }
        return quantiles[i]
    }
}

/// Exact buckets for 0..<128 and 16 per power of two above: under 7% error anywhere in Int64's range, in
/// 1024 counters.
enum HistogramBuckets {
    static let exact: Int64 = 128
    static let perOctave = 16
    static let count = 1024

    static func index(of value: Int64) -> Int {
        if value < exact { return value < 0 ? 0 : Int(value) }
        let exponent = 63 - value.leadingZeroBitCount
        let sub = Int(value >> (exponent - 4)) & (perOctave - 1)
        return Int(exact) + (exponent - 7) * perOctave + sub
    }

    /// The smallest and largest value that fall in a bucket.
    static func range(of index: Int) -> ClosedRange<Int64> {
        if index < Int(exact) { return Int64(index)...Int64(index) }
        let exponent = (index - Int(exact)) / perOctave + 7
        let sub = Int64((index - Int(exact)) % perOctave)
        let low = (16 + sub) << (exponent - 4)
        let width: Int64 = 1 << (exponent - 4)
        return low...(low &+ (width - 1))
    }

    /// The value at quantile `q`: the middle of the bucket holding it, kept within the recorded min and max.
    static func quantile(_ q: Double, of counts: [Int64], min: Int64, max: Int64) -> Int64 {
        let total = counts.reduce(0, +)
        guard total > 0 else { return 0 }
        let rank = Swift.max(1, Int64((q * Double(total)).rounded(.up)))
        var seen: Int64 = 0
        for (i, n) in counts.enumerated() where n > 0 {
            seen += n
            if seen >= rank {
                let r = range(of: i)
                let middle = r.lowerBound + (r.upperBound - r.lowerBound) / 2
                return Swift.min(Swift.max(middle, min), max)
            }
        }
        return max
    }
}
