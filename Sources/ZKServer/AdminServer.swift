import Foundation
import NIOCore
import NIOHTTP1
import ZKMetrics
import ZKServerCore

/// The AdminServer's and the Prometheus endpoint's routes: `<commandURL>` lists the commands as Apache's
/// does, `<commandURL>/NAME` (a primary name or alias, query parameters as arguments) answers JSON,
/// `/metrics` the Prometheus text exposition. Everything is computed on the runtime's event loop.
enum AdminRoutes {
    static func admin(_ runtime: ServerRuntime, commandURL: String) -> HTTPEndpoint.Answer {
        { method, uri in
            runtime.eventLoop.submit {
                guard method == .GET || method == .POST else {
                    return HTTPAnswer(status: .methodNotAllowed, contentType: "text/plain", body: Array("method not allowed\n".utf8))
                }
                let (path, query) = split(uri)
                let base = commandURL.hasSuffix("/") ? String(commandURL.dropLast()) : commandURL
                if path == base || path == base + "/" {
                    let links = AdminCommand.allCases.map(\.rawValue).sorted()
                        .map { "<a href=\"\(base)/\($0)\">\($0)</a>\n<br/>\n" }.joined()
                    return HTTPAnswer(contentType: "text/html", body: Array(links.utf8))
                }
                guard path.hasPrefix(base + "/") else {
                    return HTTPAnswer(status: .notFound, contentType: "text/plain", body: Array("not found\n".utf8))
                }
                let name = String(path.dropFirst(base.count + 1))
                let value = runtime.admin(name, parameters: query)
                return HTTPAnswer(contentType: "application/json", body: encode(value))
            }
        }
    }

    static func prometheus(_ runtime: ServerRuntime) -> HTTPEndpoint.Answer {
        { _, uri in
            runtime.eventLoop.submit {
                // Apache's provider maps /metrics alone.
                guard split(uri).path == "/metrics" else {
                    return HTTPAnswer(status: .notFound, contentType: "text/plain", body: Array("not found\n".utf8))
                }
                return HTTPAnswer(contentType: PrometheusExposition.contentType, body: runtime.prometheusExposition())
            }
        }
    }

    static func encode(_ value: AdminValue) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }

    static func split(_ uri: String) -> (path: String, query: [String: String]) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, [:]) }
        var query: [String: String] = [:]
        for pair in uri[uri.index(after: mark)...].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            query[kv[0]] = kv.count > 1 ? kv[1] : ""
        }
        return (String(uri[..<mark]), query)
    }
}
