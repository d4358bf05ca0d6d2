#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ZKClient
import ZKServer
import ZKTestSupport

/// An in-process zkserver on a free 127.0.0.1 port, shut down by the test that made it.
struct ServerFixture {
    let server: ZooKeeperServer
    let port: Int

    let dataDir: String

    static func start(extra: String = "", dataDir: String? = nil) async throws -> ServerFixture {
        let dir = dataDir ?? TemporaryDirectory.make("zkserver")
        let text = """
        tickTime=200
        dataDir=\(dir)
        clientPort=0
        clientPortAddress=127.0.0.1
        4lw.commands.whitelist=*
        extendedTypesEnabled=true
        admin.enableServer=false
        \(extra)
        """
        let config = try ZooConfig.parse(text: text, path: "test.cfg")
        let server = try ZooKeeperServer(config: config)
        try await server.start()
        return ServerFixture(server: server, port: server.boundPort!, dataDir: dir)
    }

    var connectString: String { "127.0.0.1:\(port)" }

    func client(timeout: Duration = .seconds(4)) async throws -> ZooKeeperClient {
        try await ZooKeeperClient.connect(ZooKeeperClient.Configuration(connectString: connectString, sessionTimeout: timeout))
    }

    /// Stops the server and removes its data dir unless `keepData`.
    func stop(keepData: Bool = false) async throws {
        try await server.shutdown()
        if !keepData { TemporaryDirectory.remove(dataDir) }
    }
}

/// A blocking loopback socket for raw-byte tests, with a receive timeout so no test can hang.
struct RawSocket {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw SocketError.connectFailed }
    }

    enum SocketError: Error { case connectFailed }

    func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }

    /// Reads until the peer closes (or the timeout); returns what arrived and whether it closed.
    func readToEnd() -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return (out, true) }
            if n < 0 { return (out, false) }
            out += chunk[0..<n]
        }
    }

    func close() { _ = Glibc.close(fd) }
}
