/// mntr's shape for a list of samples: `zk_<key>\t<value>` lines, a summary spread over Apache's
/// avg_/min_/max_/cnt_/sum_ keys (and p50_/p95_/p99_/p999_ where it has percentiles).
public enum MonitorText {
    public static func pairs(_ samples: [MetricSample]) -> [(String, String)] {
        var out: [(String, String)] = []
        out.reserveCapacity(samples.count * 2)
        for sample in samples {
            switch sample.value {
            case .counter(let n), .integer(let n): out.append((sample.name, String(n)))
            case .gauge(let x): out.append((sample.name, javaDouble(x)))
            case .text(let s): out.append((sample.name, s))
            case .summary(let s):
                out += [("avg_" + sample.name, javaDouble(s.average)), ("min_" + sample.name, String(s.min)),
                        ("max_" + sample.name, String(s.max)), ("cnt_" + sample.name, String(s.count)),
                        ("sum_" + sample.name, String(s.sum))]
                if s.detailed {
                    for (label, q) in [("p50_", 0.5), ("p95_", 0.95), ("p99_", 0.99), ("p999_", 0.999)] {
                        out.append((label + sample.name, String(s.quantile(q) ?? 0)))
                    }
                }
            }
        }
        return out
    }

    public static func render(_ samples: [MetricSample]) -> String {
        var text = ""
        for (key, value) in pairs(samples) { text += "zk_" + key + "\t" + value + "\n" }
        return text
    }
}

/// Java's Double.toString for the values metrics take: always one decimal at least.
public func javaDouble(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    let rounded = (value * 10000).rounded() / 10000
    var text = "\(rounded)"
    if !text.contains(".") && !text.contains("e") { text += ".0" }
    return text
}
