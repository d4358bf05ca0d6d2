import Foundation
import Logging
import Testing
import ZKTestSupport
@testable import ZKServer

/// The log's level and destination come from Apache's start-script knobs, and its lines keep Apache's
/// layout so that greps and log shippers written for Apache go on working.
@Suite struct ServerLoggingTests {
    @Test func levelAndAppenderComeFromTheRootLoggerPropertyOrTheEnvironment() {
        #expect(LogSettings(systemProperties: [:], environment: [:]) == LogSettings())
        let warn = LogSettings(systemProperties: ["zookeeper.root.logger": "WARN,CONSOLE"], environment: ["ZOO_LOG4J_PROP": "DEBUG,CONSOLE"])
        #expect(warn.level == .warning && warn.file == nil)
        let fromEnvironment = LogSettings(systemProperties: [:], environment: ["ZOO_LOG4J_PROP": "DEBUG,ROLLINGFILE", "ZOO_LOG_DIR": "/var/log/zk"])
        #expect(fromEnvironment.level == .debug && fromEnvironment.file == "/var/log/zk/zookeeper.log")
        let named = LogSettings(systemProperties: ["zookeeper.root.logger": "INFO,ROLLINGFILE", "zookeeper.log.dir": "/d",
                                                   "zookeeper.log.file": "zk-1.log"], environment: [:])
        #expect(named.file == "/d/zk-1.log")
        // A file appender with nowhere to write goes to stderr, as log4j without its directory cannot open one.
        #expect(LogSettings(systemProperties: ["zookeeper.root.logger": "INFO,ROLLINGFILE"], environment: [:]).file == nil)
        let wrong = LogSettings(systemProperties: ["zookeeper.root.logger": "LOUD,CONSOLE"], environment: [:])
        #expect(wrong.level == .info && wrong.problems.count == 1 && wrong.problems[0].contains("LOUD"))
    }

    @Test func linesKeepApachesLayoutAndAreFilteredByLevel() throws {
        let dir = TemporaryDirectory.make("server-logging")
        let path = dir + "/zookeeper.log"
        let destination = try LogDestination.file(path)
        var logger = Logger(label: "zkserver") { ApacheLayoutLogHandler(label: $0, level: .info, destination: destination) }
        logger[metadataKey: "myid"] = "2"
        logger.debug("not at info")
        logger.info("LEADING - LEADER ELECTION TOOK - 12 MS")
        logger.warning("Too many connections from /127.0.0.1 - max is 60")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let layout = #/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[myid:2\] - (INFO |WARN ) \[zkserver\] - .+$/#
        #expect(lines.allSatisfy { $0.wholeMatch(of: layout) != nil }, "\(lines)")
        #expect(lines[0].hasSuffix("- INFO  [zkserver] - LEADING - LEADER ELECTION TOOK - 12 MS"))
        #expect(lines[1].contains("- WARN  [zkserver] - Too many connections"))
        #expect(throws: (any Error).self) { try LogDestination.file(dir + "/missing/zookeeper.log") }
    }
}
