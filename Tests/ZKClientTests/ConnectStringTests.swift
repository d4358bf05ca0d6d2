import Testing
@testable import ZKClient

@Suite struct ConnectStringTests {
    @Test func hostsAndChroot() throws {
        let cs = try ConnectString(parsing: "a:1,b:2,c/app/x")
        #expect(cs.hosts == [HostPort(host: "a", port: 1), HostPort(host: "b", port: 2), HostPort(host: "c", port: 2181)])
        #expect(cs.chroot == "/app/x")
    }

    @Test func rootChrootIsNone() throws {
        #expect(try ConnectString(parsing: "127.0.0.1:2181/").chroot == nil)
        #expect(try ConnectString(parsing: "127.0.0.1:2181").chroot == nil)
    }

    @Test func ipv6() throws {
        let cs = try ConnectString(parsing: "[::1]:2182, [fe80::1]")
        #expect(cs.hosts == [HostPort(host: "::1", port: 2182), HostPort(host: "fe80::1", port: 2181)])
        #expect(cs.hosts[0].description == "[::1]:2182")
    }

    @Test(arguments: ["", "/app", "a:x", "a:1/app/", "a:1/app//b", "a:1/app/../b", "a:99999"])
    func invalid(_ string: String) {
        #expect(throws: ZooKeeperError.self) { try ConnectString(parsing: string) }
    }

    @Test func chrootMapping() {
        let chroot = Chroot("/app")
        #expect(chroot.serverPath("/") == "/app")
        #expect(chroot.serverPath("/x/y") == "/app/x/y")
        #expect(chroot.clientPath("/app") == "/")
        #expect(chroot.clientPath("/app/x") == "/x")
        #expect(chroot.clientPath("/apple") == "/apple")
        #expect(chroot.clientPath("/zookeeper/config") == "/zookeeper/config")
        #expect(Chroot(nil).serverPath("/x") == "/x")
    }

    @Test func errorDescription() {
        #expect(ZooKeeperError(code: .noNode, path: "/x").description == "NoNode: /x")
        #expect(ZooKeeperError(code: .connectionLoss).description == "ConnectionLoss")
    }
}
