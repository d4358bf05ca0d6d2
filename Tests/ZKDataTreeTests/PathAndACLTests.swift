import Crypto
import Foundation
import Testing
import ZKDataTree
import ZKProtocol

@Suite struct ZNodePathTests {
    @Test(arguments: ["/", "/a", "/a/b", "/a.b", "/..a", "/a/...", "/zookeeper/config", "/é"])
    func validPaths(_ path: String) { #expect(ZNodePath.isValid(path)) }

    @Test(arguments: ["", "a", "/a/", "//", "/a//b", "/.", "/..", "/a/./b", "/a/../b", "/a/.", "/a\u{0}b", "/a\u{1}", "/\u{7f}", "/\u{fff0}"])
    func invalidPaths(_ path: String) { #expect(!ZNodePath.isValid(path)) }

    @Test func parentAndChild() {
        #expect(ZNodePath.parent(of: "/a/b") == "/a")
        #expect(ZNodePath.parent(of: "/a") == "")
        #expect(ZNodePath.parentKey(of: "/a") == "/")
        #expect(ZNodePath.parent(of: "a") == nil)
        #expect(ZNodePath.childName(of: "/a/b") == "b")
        #expect(ZNodePath.join("/", "a") == "/a")
        #expect(ZNodePath.join("/a", "b") == "/a/b")
    }
}

@Suite struct AccessControlTests {
    @Test func digestMatchesApache() {
        // kazoo's harness configures super:test as super:D/InIHSb7yEEbrWz8b9l71RjZJU=
        #expect(AccessControl.digest("super:test") == "super:D/InIHSb7yEEbrWz8b9l71RjZJU=")
    }

    @Test func digestsOfOddCredentials() {
        // Only the part before the first colon names the user; the hash covers the whole text.
        #expect(AccessControl.digest("u:p:x") == "u:" + Data(Insecure.SHA1.hash(data: Array("u:p:x".utf8))).base64EncodedString())
        #expect(AccessControl.digest("") == ":2jmj7l5rSw0yVb/vlWAYkK/YBwk=")
    }


    @Test func checkHonoursSchemesAndSuper() {
        let acl = [ACL(perms: .read, id: Id(scheme: "digest", id: "bob:xyz")), ACL(perms: .all, id: Id(scheme: "ip", id: "10.0.0.0/8"))]
        #expect(AccessControl.check(acl, .read, authIds: [Id(scheme: "digest", id: "bob:xyz")], providers: AuthProviders()))
        #expect(!AccessControl.check(acl, .write, authIds: [Id(scheme: "digest", id: "bob:xyz")], providers: AuthProviders()))
        #expect(AccessControl.check(acl, .write, authIds: [Id(scheme: "ip", id: "10.1.2.3")], providers: AuthProviders()))
        #expect(!AccessControl.check(acl, .write, authIds: [Id(scheme: "ip", id: "11.1.2.3")], providers: AuthProviders()))
        #expect(AccessControl.check(acl, .admin, authIds: [Id(scheme: "super", id: "")], providers: AuthProviders()))
        #expect(AccessControl.check(ACL.openACLUnsafe, .delete, authIds: [], providers: AuthProviders()))
        #expect(AccessControl.check([], .delete, authIds: [], providers: AuthProviders()))
    }

    @Test func fixupValidatesAndExpandsAuth() {
        let bob = Id(scheme: "digest", id: "bob:xyz")
        #expect(AccessControl.fixup([], authIds: [bob], providers: AuthProviders()) == nil)
        #expect(AccessControl.fixup([ACL(perms: .all, id: Id(scheme: "world", id: "nobody"))], authIds: [], providers: AuthProviders()) == nil)
        #expect(AccessControl.fixup([ACL(perms: .all, id: Id(scheme: "digest", id: "nocolon"))], authIds: [], providers: AuthProviders()) == nil)
        #expect(AccessControl.fixup([ACL(perms: .all, id: Id(scheme: "ip", id: "1.2.3.4/33"))], authIds: [], providers: AuthProviders()) == nil)
        #expect(AccessControl.fixup(ACL.creatorAllACL, authIds: [Id(scheme: "ip", id: "127.0.0.1")], providers: AuthProviders()) == nil)
        #expect(AccessControl.fixup(ACL.creatorAllACL, authIds: [Id(scheme: "ip", id: "127.0.0.1"), bob], providers: AuthProviders()) == [ACL(perms: .all, id: bob)])
        #expect(AccessControl.fixup(ACL.openACLUnsafe + ACL.openACLUnsafe, authIds: [], providers: AuthProviders()) == ACL.openACLUnsafe)
    }

    @Test func ipMatching() {
        #expect(IPAddressMatch.matches(client: "127.0.0.1", acl: "127.0.0.1"))
        #expect(IPAddressMatch.matches(client: "192.168.1.77", acl: "192.168.1.0/24"))
        #expect(!IPAddressMatch.matches(client: "192.168.2.77", acl: "192.168.1.0/24"))
        #expect(IPAddressMatch.matches(client: "::1", acl: "0:0:0:0:0:0:0:1"))
        #expect(IPAddressMatch.matches(client: "fe80::1", acl: "fe80::/16"))
        #expect(!IPAddressMatch.isValid("300.1.1.1"))
        #expect(IPAddressMatch.isValid("10.0.0.0/8"))
    }
}
