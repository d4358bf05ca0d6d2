import CoreMetrics
import Testing
@testable import ZKMetrics

@Suite struct SummaryCellTests {
    @Test func anEmptySummaryReportsZeros() {
        let s = MetricsRegistry().summary("fsynctime", percentiles: true).snapshot
        #expect(s == SummarySnapshot(count: 0, sum: 0, min: 0, max: 0, quantiles: [0, 0, 0, 0, 0], detailed: true))
        #expect(s.average == 0)
    }

    @Test func countSumMinMaxAndAverageAreExact() {
        let cell = MetricsRegistry().summary("readlatency")
        for v: Int64 in [5, 1, 9, 3] { cell.record(v) }
        let s = cell.snapshot
        #expect((s.count, s.sum, s.min, s.max, s.average) == (4, 18, 1, 9, 4.5))
        #expect(!s.detailed && s.quantile(0.5) == 3)
    }

    @Test func percentilesAreExactForSmallValuesAndWithinSevenPercentAbove() {
        let cell = MetricsRegistry().summary("updatelatency", percentiles: true)
        for v in 1...100 { cell.record(Int64(v)) }
        #expect(cell.snapshot.quantile(0.5) == 50)
        #expect(cell.snapshot.quantile(0.99) == 99)
        let wide = MetricsRegistry().summary("x", percentiles: true)
        for v in 1...10_000 { wide.record(Int64(v * 100)) }
        for q in [0.5, 0.9, 0.95, 0.99, 0.999] {
            let exact = Double(Int64((q * 10_000).rounded(.up)) * 100)
            let got = Double(wide.snapshot.quantile(q)!)
            #expect(abs(got - exact) / exact < 0.07, "q\(q): \(got) vs \(exact)")
        }
    }

    @Test func everyBucketRangeHoldsTheValuesThatMapToIt() {
        var value: Int64 = 0
        while value < Int64.max / 3 {
            let index = HistogramBuckets.index(of: value)
            #expect(index < HistogramBuckets.count)
            #expect(HistogramBuckets.range(of: index).contains(value), "\(value)")
            value = value < 1000 ? value + 1 : value * 3 / 2 + 7
        }
        #expect(HistogramBuckets.index(of: .max) == HistogramBuckets.count - 1)
    }

    @Test func resetClearsEverything() {
        let registry = MetricsRegistry()
        let cell = registry.summary("snapshottime", percentiles: true)
        let counter = registry.counter("snap_count")
        cell.record(Int64(7)); counter.increment(by: Int64(3))
        registry.resetAll()
        #expect(cell.snapshot.count == 0 && cell.snapshot.quantiles == [0, 0, 0, 0, 0])
        #expect(counter.current == 0)
    }

    @Test func swiftMetricsObjectsRecordIntoTheRegistry() {
        let registry = MetricsRegistry()
        Counter(label: "commit_count", factory: registry).increment(by: 2)
        Timer(label: "fsynctime", factory: registry).recordMilliseconds(12)
        Recorder(label: "sync_processor_batch_size", factory: registry).record(4)
        #expect(registry.samples() == [
            MetricSample("commit_count", .counter(2)),
            MetricSample("fsynctime", .summary(SummarySnapshot(count: 1, sum: 12, min: 12, max: 12, quantiles: [12, 12, 12, 12, 12], detailed: false))),
            MetricSample("sync_processor_batch_size", .summary(SummarySnapshot(count: 1, sum: 4, min: 4, max: 4, quantiles: [4, 4, 4, 4, 4], detailed: false))),
        ])
    }

    @Test func manyThreadsRecordWithoutLosingSamples() async {
        let cell = MetricsRegistry().summary("readlatency", percentiles: true)
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<4 { group.addTask { for i in 0..<10_000 { cell.record(Int64(i % 50 + t)) } } }
        }
        let s = cell.snapshot
        #expect(s.count == 40_000 && s.min == 0 && s.max == 52)
    }

    @Test func mntrSpreadsASummaryOverApachesKeys() {
        let text = MonitorText.render([
            MetricSample("readlatency", .summary(SummarySnapshot(count: 2, sum: 3, min: 1, max: 2, quantiles: [1, 2, 2, 2, 2], detailed: true))),
            MetricSample("znode_count", .integer(5)), MetricSample("connection_drop_probability", .gauge(0)),
        ])
        #expect(text == """
            zk_avg_readlatency\t1.5
            zk_min_readlatency\t1
            zk_max_readlatency\t2
            zk_cnt_readlatency\t2
            zk_sum_readlatency\t3
            zk_p50_readlatency\t1
            zk_p95_readlatency\t2
            zk_p99_readlatency\t2
            zk_p999_readlatency\t2
            zk_znode_count\t5
            zk_connection_drop_probability\t0.0

            """)
    }
}

@Suite struct PrometheusExpositionTests {
    @Test func countersGaugesAndSummariesInTheTextFormat() {
        let text = String(decoding: PrometheusExposition.render([
            MetricSample("version", .text("3.8.0")),
            MetricSample("commit_count", .counter(3)),
            MetricSample("znode_count", .integer(5)),
            MetricSample("readlatency", .summary(SummarySnapshot(count: 2, sum: 3, min: 1, max: 2, quantiles: [1, 2, 2, 2, 2], detailed: true))),
            MetricSample("fsynctime", .summary(SummarySnapshot(count: 0, sum: 0, min: 0, max: 0, quantiles: [0, 0, 0, 0, 0], detailed: false))),
        ]), as: UTF8.self)
        #expect(!text.contains("version"))
        #expect(text.contains("# TYPE commit_count counter\ncommit_count 3\n"))
        #expect(text.contains("# TYPE znode_count gauge\nznode_count 5"))
        #expect(text.contains("""
            # TYPE readlatency summary
            readlatency{quantile="0.5"} 1
            readlatency{quantile="0.9"} 2
            readlatency{quantile="0.99"} 2
            readlatency_count 2
            readlatency_sum 3

            """))
        #expect(text.contains("fsynctime{quantile=\"0.5\"} NaN\nfsynctime_count 0\n"))
    }
}
