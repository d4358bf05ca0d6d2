import Prometheus

/// The Prometheus text exposition of a server's samples, as Apache's PrometheusMetricsProvider gives it:
/// the mntr key without `zk_`, help text the name; counters and gauges through swift-prometheus; summaries
/// (which swift-prometheus does not have) in the same format, with a median, plus the 0.9 and 0.99
/// quantiles for Apache's detailed ones, and `_count`/`_sum`. Text values (version, server_state) are not
/// metrics and are left out, as Apache leaves them.
public enum PrometheusExposition {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ samples: [MetricSample]) -> [UInt8] {
        let registry = PrometheusCollectorRegistry()
        var summaries: [UInt8] = []
        for sample in samples {
            switch sample.value {
            case .counter(let n): registry.makeCounter(descriptor: descriptor(sample.name)).increment(by: n)
            case .integer(let n): registry.makeGauge(descriptor: descriptor(sample.name)).set(Double(n))
            case .gauge(let x): registry.makeGauge(descriptor: descriptor(sample.name)).set(x)
            case .summary(let s): appendSummary(sample.name, s, to: &summaries)
            case .text: break
            }
        }
        var out: [UInt8] = []
        registry.emit(into: &out)
        return out + summaries
    }

    /// Apache's names carry no unit suffix (its simpleclient 0.9 adds no `_total` either).
    private static func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: name)
    }

    private static func appendSummary(_ name: String, _ s: SummarySnapshot, to out: inout [UInt8]) {
        var text = "# HELP \(name) \(name)\n# TYPE \(name) summary\n"
        for (label, q) in s.detailed ? [("0.5", 0.5), ("0.9", 0.9), ("0.99", 0.99)] : [("0.5", 0.5)] {
            // An empty summary has no quantiles yet: Prometheus' NaN, as Apache's.
            let value = s.count == 0 ? "NaN" : String(s.quantile(q) ?? 0)
            text += "\(name){quantile=\"\(label)\"} \(value)\n"
        }
        text += "\(name)_count \(s.count)\n\(name)_sum \(s.sum)\n"
        out += Array(text.utf8)
    }
}
