import ArgumentParser

/// zkcli's options as swift-argument-parser declares them: zkCli.sh's single-dash spellings beside the
/// double-dash ones, and everything from the first word that is not an option kept for the command.
struct CommandLineOptions: ParsableArguments {
    static func both(_ name: String) -> NameSpecification {
        [.customLong(name), .customLong(name, withSingleDash: true)]
    }

    @Option(name: both("server"), parsing: .unconditional) var server: String?
    @Option(name: both("timeout"), parsing: .unconditional) var timeout: String?
    @Option(name: both("auth"), parsing: .unconditionalSingleValue) var auth: [String] = []
    @Option(name: .customLong("sasl"), parsing: .unconditional) var sasl: String?
    @Flag(name: .customLong("tls")) var tls = false
    @Option(name: .customLong("cert"), parsing: .unconditional) var cert: String?
    @Option(name: .customLong("key"), parsing: .unconditional) var key: String?
    @Option(name: .customLong("ca"), parsing: .unconditional) var ca: String?
    @Flag(name: .customLong("no-hostname-verification")) var noHostnameVerification = false
    @Option(name: both("client-configuration"), parsing: .unconditional) var clientConfiguration: String?
    @Option(name: [.customShort("f"), .customLong("file")], parsing: .unconditional) var file: String?
    @Option(name: .customLong("complete"), parsing: .unconditional) var complete: String?
    @Flag(name: both("json")) var json = false
    @Flag(name: [.customShort("r"), .customLong("read-only")]) var readOnly = false
    @Flag(name: [.customShort("v"), .customLong("verbose")]) var verbose = false
    @Flag(name: both("version")) var version = false
    @Flag(name: [.customShort("e"), .customLong("stop-on-error")]) var stopOnError = false
    @Flag(name: .customLong("wide")) var wide = false
    /// zkCli.sh's; zkcli always waits for its connection.
    @Flag(name: .customLong("waitforconnection", withSingleDash: true)) var waitForConnection = false
    @Argument(parsing: .captureForPassthrough) var command: [String] = []
}
