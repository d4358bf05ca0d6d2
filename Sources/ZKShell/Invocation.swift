/// zkcli's own command line: `zkcli [options] [command args...]`. Options follow zkCli.sh's single-dash
/// spelling and also take double dashes; the first word that is not an option starts the command.
public struct Invocation: Sendable, Hashable {
    public static let defaultServer = "127.0.0.1:2181"
    public static let defaultTimeoutMs = 10_000

    public var server: String
    public var timeoutMs: Int = Invocation.defaultTimeoutMs
    public var format: OutputFormat = .text
    public var readOnly = false
    public var verbose = false
    public var showHelp = false
    /// The one-shot command's words; empty for a REPL or a script on stdin.
    public var command: [String] = []

    /// - Parameter environment: for ZOOKEEPER_HOSTS, the default server list.
    public init(arguments: [String], environment: [String: String] = [:]) throws(UsageError) {
        server = environment["ZOOKEEPER_HOSTS"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultServer
        var index = 0
        func value(_ option: String) throws(UsageError) -> String {
            index += 1
            guard index < arguments.count else { throw UsageError("option \(option) needs a value", usage: Self.usage) }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "-server", "--server": server = try value(argument)
            case "-timeout", "--timeout":
                let text = try value(argument)
                guard let ms = Int(text), ms > 0 else { throw UsageError("timeout must be a positive number of ms: \(text)", usage: Self.usage) }
                timeoutMs = ms
            case "--json", "-json": format = .json
            case "-r", "--read-only": readOnly = true
            case "-v", "--verbose": verbose = true
            case "-h", "-help", "--help": showHelp = true
            case "-waitforconnection": break  // always the case here
            case "--":
                command = Array(arguments[(index + 1)...])
                return
            default:
                if argument.hasPrefix("-") && argument.count > 1 {
                    throw UsageError("unknown option \(argument)", usage: Self.usage)
                }
                command = Array(arguments[index...])
                return
            }
            index += 1
        }
    }

    public static let usage = "zkcli [-server host:port,...[/chroot]] [-timeout ms] [-r] [--json] [-v] [command args...]"

    public static let helpText = """
        usage: \(usage)

        With a command, runs it and exits. Without one, reads commands from stdin: a prompt
        when stdin is a terminal, otherwise one command a line with no prompt (blank lines
        and lines starting with # are skipped).

        Options:
          -server, --server list   servers as host:port,... with an optional /chroot
                                   (default: $ZOOKEEPER_HOSTS, else \(defaultServer))
          -timeout, --timeout ms   session timeout in milliseconds (default \(defaultTimeoutMs))
          -r, --read-only          accept a read-only server
          --json                   print one JSON document per command (errors as JSON on stderr)
          -v, --verbose            report connection progress on stderr
          -h, --help               this text; `zkcli help` lists the commands

        Exit status:
          0  success
          1  ZooKeeper refused a request (NoNode, NodeExists, BadVersion, NoAuth, ...)
          2  usage error: unknown command or option, missing argument, bad path or ACL
          3  no session: cannot connect, connection lost, session expired
        Reading stdin, zkcli runs every line even after failures and exits with the status of
        the LAST FAILING command (0 if none failed); a connection failure (3) stops the script.
        Results go to stdout, errors to stderr.
        """
}
