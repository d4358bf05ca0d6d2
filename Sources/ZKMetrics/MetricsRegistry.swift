import CoreMetrics
import Synchronization

/// One server's metrics, by name, in the order they were made. A swift-metrics factory, so the server
/// records through swift-metrics' Counter, Timer and Recorder; each server has its own (several run in one
/// process in tests), and mntr, the AdminServer and Prometheus read it. The lock guards making and listing
/// metrics only, never recording.
public final class MetricsRegistry: MetricsFactory, Sendable {
    private struct Cells {
        var counters: [String: CounterCell] = [:]
        var gauges: [String: GaugeCell] = [:]
        var summaries: [String: SummaryCell] = [:]
        var order: [String] = []
    }
    private let cells = Mutex(Cells())

    public init() {}

    /// A summary by Apache's name; `percentiles` for the ones Apache reports p50...p999 of.
    public func summary(_ name: String, percentiles: Bool = false) -> SummaryCell {
        cell(name, \.summaries) { SummaryCell(name: name, percentiles: percentiles) }
    }

    public func counter(_ name: String) -> CounterCell {
        cell(name, \.counters) { CounterCell(name: name) }
    }

    public func gauge(_ name: String) -> GaugeCell {
        cell(name, \.gauges) { GaugeCell(name: name) }
    }

    /// The cell made before under `name`, else a new one, remembered in the order made.
    private func cell<Cell: Sendable>(_ name: String, _ table: WritableKeyPath<Cells, [String: Cell]>, make: () -> Cell) -> Cell {
        cells.withLock { cells in
            if let cell = cells[keyPath: table][name] { return cell }
            let cell = make()
            cells[keyPath: table][name] = cell
            cells.order.append(name)
            return cell
        }
    }

    /// Every metric's value now, in the order made.
    public func samples() -> [MetricSample] {
        let cells = cells.withLock { $0 }
        return cells.order.compactMap { name in
            if let c = cells.counters[name] { return MetricSample(name, .counter(c.current)) }
            if let s = cells.summaries[name] { return MetricSample(name, .summary(s.snapshot)) }
            if let g = cells.gauges[name] { return MetricSample(name, .gauge(g.current)) }
            return nil
        }
    }

    /// srst: Apache's ServerMetrics.resetAll.
    public func resetAll() {
        let cells = cells.withLock { $0 }
        cells.counters.values.forEach { $0.reset() }
        cells.summaries.values.forEach { $0.reset() }
    }

    // MARK: MetricsFactory

    /// Dimensions become part of the name, as Apache's metric names carry no labels.
    private static func name(_ label: String, _ dimensions: [(String, String)]) -> String {
        dimensions.isEmpty ? label : ([label] + dimensions.map { "\($0.0)_\($0.1)" }).joined(separator: "_")
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        counter(Self.name(label, dimensions))
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        aggregate ? summary(Self.name(label, dimensions)) : gauge(Self.name(label, dimensions))
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        gauge(Self.name(label, dimensions))
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        summary(Self.name(label, dimensions))
    }

    // A server's metrics live as long as the server.
    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}
}

/// One metric's value, for mntr, the AdminServer and Prometheus.
public struct MetricSample: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case counter(Int64)
        /// A state read when asked (znode_count, num_alive_connections): printed as an integer.
        case integer(Int64)
        case gauge(Double)
        case summary(SummarySnapshot)
        /// mntr's version and server_state: text, not exported to Prometheus.
        case text(String)
    }

    public var name: String
    public var value: Value

    public init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }
}
