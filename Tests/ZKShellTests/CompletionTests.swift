import Testing
@testable import ZKShell

@Suite struct CompletionTests {
    let tree: [String: [String]] = ["/": ["apple", "apricot", "zookeeper"], "/zookeeper": ["config", "quota"]]
    func children(_ path: String) -> [String] { tree[path] ?? [] }

    @Test func commandNamesComeFirst() {
        #expect(Completion.candidates(line: "getA", word: "getA", wordStart: 0, children: children) == ["getAcl", "getAllChildrenNumber"])
    }

    @Test func flagsOfTheCommand() {
        #expect(Completion.candidates(line: "ls -", word: "-", wordStart: 3, children: children).contains("-R"))
        #expect(Completion.candidates(line: "nosuch -", word: "-", wordStart: 7, children: children).isEmpty)
    }

    @Test func livePaths() {
        #expect(Completion.candidates(line: "get /ap", word: "/ap", wordStart: 4, children: children) == ["/apple", "/apricot"])
        #expect(Completion.candidates(line: "ls /zookeeper/q", word: "/zookeeper/q", wordStart: 3, children: children) == ["/zookeeper/quota"])
        // An empty or relative word completes relative to the current node, as a Unix shell does.
        #expect(Completion.candidates(line: "ls ", word: "", wordStart: 3, children: children) == ["apple", "apricot", "zookeeper"])
        #expect(Completion.candidates(line: "get c", word: "c", wordStart: 4, cwd: "/zookeeper", children: children) == ["config"])
        #expect(Completion.candidates(line: "get ../zookeeper/q", word: "../zookeeper/q", wordStart: 4, cwd: "/zookeeper",
                                      children: children) == ["../zookeeper/quota"])
        #expect(Completion.candidates(line: "4lw mn", word: "mn", wordStart: 4, children: children) == ["mntr"])
    }

    @Test func helpCompletesCommands() {
        #expect(Completion.candidates(line: "help del", word: "del", wordStart: 5, children: children).contains("delete"))
    }
}
