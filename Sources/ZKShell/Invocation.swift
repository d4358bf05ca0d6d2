import ZKClient

/// zkcli's own command line: `zkcli [options] [command args...]`, parsed by `CommandLineOptions`, over the
/// defaults from the config file and the environment. Options follow zkCli.sh's single-dash spelling and
/// also take double dashes; the first word that is not an option starts the command.
public struct Invocation: Sendable, Hashable {
    public static let defaultServer = "127.0.0.1:2181"
    public static let defaultTimeoutMs = 10_000

    public var server: String
    public var timeoutMs: Int = Invocation.defaultTimeoutMs
    public var format: OutputFormat = .text
    public var readOnly = false
    public var verbose = false
    public var showHelp = false
    public var showVersion = false
    /// -e: a script stops at its first failing line.
    public var stopOnError = false
    /// --wide: tables as wide as their cells, not cut to 80 columns.
    public var wide = false
    /// --auth scheme:credential, sent as addauth right after each connect.
    public var auth: [AuthCredential] = []
    /// --sasl user:password: SASL DIGEST-MD5 after each connect.
    public var sasl: SASLCredentials?
    /// --tls, --cert/--key/--ca or -client-configuration's zookeeper.client.secure: TLS to the servers.
    public var tls: ClientTLS?
    /// -client-configuration FILE: Apache's client properties (zookeeper.client.secure, zookeeper.ssl.*),
    /// read by `applyClientConfiguration`.
    public var clientConfigurationFile: String?
    /// -f FILE: run the commands in it instead of reading stdin.
    public var scriptFile: String?
    /// --complete LINE: print completion candidates for LINE's last word (for shell completion scripts).
    public var completeLine: String?
    /// The one-shot command's words; empty for a REPL or a script on stdin.
    public var command: [String] = []

    /// - Parameters:
    ///   - environment: ZOOKEEPER_HOSTS, the default server list.
    ///   - configFile: the text of ~/.zkclirc (or $ZKCLI_CONFIG): `server=`, `timeout=`, `auth=` lines, which the
    ///     environment and then the command line override; `configPath` names it in errors.
    public init(arguments: [String], environment: [String: String] = [:], configFile: String? = nil,
                configPath: String = "config file") throws(UsageError) {
        server = Self.defaultServer
        if let configFile { try applyConfig(configFile, path: configPath) }
        if let hosts = environment["ZOOKEEPER_HOSTS"], !hosts.isEmpty { server = hosts }
        let options: CommandLineOptions
        do {
            options = try CommandLineOptions.parse(arguments)
        } catch {
            if CommandLineOptions.exitCode(for: error) == .success {
                showHelp = true
                return
            }
            throw UsageError(Self.lowercasingFirst(CommandLineOptions.message(for: error)), usage: Self.usage)
        }
        if let value = options.server { server = value }
        if let value = options.timeout { timeoutMs = try Self.timeout(value) }
        for value in options.auth { auth.append(try Self.auth(value)) }
        if let value = options.sasl {
            guard let colon = value.firstIndex(of: ":"), colon != value.startIndex else {
                throw UsageError("--sasl takes user:password, got \(value)", usage: Self.usage)
            }
            sasl = SASLCredentials(username: String(value[..<colon]), password: String(value[value.index(after: colon)...]))
        }
        if options.tls || options.cert != nil || options.key != nil || options.ca != nil || options.noHostnameVerification {
            guard (options.cert == nil) == (options.key == nil) else {
                throw UsageError("--cert and --key go together (a PEM certificate and its PEM key)", usage: Self.usage)
            }
            var choice = ClientTLS()
            if let cert = options.cert, let key = options.key { choice.identity = .pem(certificate: cert, key: key) }
            if let ca = options.ca { choice.trust = .pem(ca) }
            choice.verifyHostname = !options.noHostnameVerification
            tls = choice
        }
        clientConfigurationFile = options.clientConfiguration
        scriptFile = options.file
        completeLine = options.complete
        if options.json { format = .json }
        readOnly = options.readOnly
        verbose = options.verbose
        showVersion = options.version
        stopOnError = options.stopOnError
        wide = options.wide
        // The capture starts at the first word swift-argument-parser did not take: after a "--", the
        // command whatever it looks like; otherwise a dash word there is an option zkcli does not have.
        let captured = options.command.first == "--" ? Array(options.command.dropFirst()) : options.command
        let start = arguments.count - captured.count
        if start == 0 || arguments[start - 1] != "--", let first = captured.first, first.hasPrefix("-"), first.count > 1 {
            guard ["-h", "-help", "--help"].contains(first) else {
                throw UsageError("unknown option \(first)", usage: Self.usage)
            }
            showHelp = true
            return
        }
        command = captured
        if let scriptFile, !command.isEmpty {
            throw UsageError("give -f \(scriptFile) or a command (\(command.joined(separator: " "))), not both", usage: Self.usage)
        }
    }

    /// "Unknown option '-x'" reads as zkcli's other messages do: "unknown option '-x'".
    static func lowercasingFirst(_ message: String) -> String {
        guard let first = message.first, message.dropFirst().first?.isLowercase == true else { return message }
        return first.lowercased() + message.dropFirst()
    }

    mutating func applyConfig(_ text: String, path: String) throws(UsageError) {
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingBlanks()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw UsageError("\(path):\(index + 1): expected key=value, got \(line)")
            }
            let key = line[..<equals].trimmingBlanks(), value = String(line[line.index(after: equals)...].trimmingBlanks())
            do throws(UsageError) {
                switch key {
                case "server": server = value
                case "timeout": timeoutMs = try Self.timeout(value)
                case "auth": auth.append(try Self.auth(value))
                default: throw UsageError("unknown key \(key) (server, timeout, auth)")
                }
            } catch {
                throw UsageError("\(path):\(index + 1): \(error.message)")
            }
        }
    }

    /// Apache's client properties file (zkCli.sh -client-configuration): zookeeper.client.secure=true turns TLS
    /// on with zookeeper.ssl.keyStore.* / trustStore.* and zookeeper.ssl.hostnameVerification; --cert, --key
    /// and --ca given on the command line win. Other keys (zookeeper.clientCnxnSocket, ...) are Java's.
    public mutating func applyClientConfiguration(_ text: String, path: String) throws(UsageError) {
        var properties: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingBlanks()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw UsageError("\(path):\(index + 1): expected key=value, got \(line)")
            }
            properties[String(line[..<separator].trimmingBlanks())] = String(line[line.index(after: separator)...].trimmingBlanks())
        }
        guard properties["zookeeper.client.secure"]?.lowercased() == "true" else { return }
        var choice = tls ?? ClientTLS()
        func store(_ prefix: String) -> KeyStoreFile? {
            guard let location = properties[prefix + ".location"], !location.isEmpty else { return nil }
            return KeyStoreFile(location: location, password: properties[prefix + ".password"], type: properties[prefix + ".type"])
        }
        if case .none = choice.identity, let keyStore = store("zookeeper.ssl.keyStore") { choice.identity = .keyStore(keyStore) }
        if case .system = choice.trust, let trustStore = store("zookeeper.ssl.trustStore") { choice.trust = .trustStore(trustStore) }
        if properties["zookeeper.ssl.hostnameVerification"]?.lowercased() == "false" { choice.verifyHostname = false }
        tls = choice
    }

    static func timeout(_ text: String) throws(UsageError) -> Int {
        guard let ms = Int(text), ms > 0 else { throw UsageError("timeout must be a positive number of ms: \(text)", usage: usage) }
        return ms
    }

    static func auth(_ text: String) throws(UsageError) -> AuthCredential {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
            throw UsageError("--auth takes scheme:credential (e.g. digest:user:password), got \(text)", usage: usage)
        }
        return AuthCredential(scheme: String(text[..<colon]), credential: String(text[text.index(after: colon)...]))
    }

    public static let usage = "zkcli [-server host:port,...[/chroot]] [-timeout ms] [-r] [--auth scheme:cred] [--sasl user:pw] [--tls [--cert f --key f] [--ca f]] [-client-configuration f] [--json] [--wide] [-f file] [-e] [-v] [command args...]"

    public static let helpText = """
        usage: \(usage)

        With a command, runs it and exits. Without one, reads commands from -f file or stdin:
        a prompt when stdin is a terminal, otherwise one command a line with no prompt (blank
        lines and lines starting with # are skipped).

        Defaults come from $ZKCLI_CONFIG (else ~/.zkclirc: server=, timeout=, auth= lines), then
        $ZOOKEEPER_HOSTS, then the options.

        Options:
          -server, --server list   servers as host:port,... with an optional /chroot
                                   (default: $ZOOKEEPER_HOSTS, else \(defaultServer))
          -timeout, --timeout ms   session timeout in milliseconds (default \(defaultTimeoutMs)); also how
                                   long to keep trying the servers before giving up (exit 3)
          -r, --read-only          accept a read-only server
          --auth scheme:cred       add an identity after connecting (repeatable; e.g. digest:u:pw)
          --sasl user:password     authenticate with SASL DIGEST-MD5 (the server's JAAS Server users)
          --tls                    connect with TLS (to the servers' secureClientPort)
          --cert file --key file   with TLS, show this PEM certificate and PEM key (for ssl.clientAuth)
          --ca file                with TLS, trust the servers' certificates this PEM CA signed
                                   (default: the system's CAs)
          --no-hostname-verification
                                   with TLS, accept a certificate that does not name the server
          -client-configuration file
                                   Apache's client properties: zookeeper.client.secure=true with
                                   zookeeper.ssl.keyStore.* and zookeeper.ssl.trustStore.* (JKS,
                                   PKCS12 or PEM) and zookeeper.ssl.hostnameVerification
          -f, --file file          run the commands in file, one a line (- for stdin); errors
                                   name the file and line (file:3: NoNode: /x)
          -e, --stop-on-error      stop a script at its first failing command
          -waitforconnection       accepted for zkCli.sh scripts (zkcli always waits)
          --json                   print one JSON document per command (errors as JSON on stderr)
          --wide                   do not cut tables to 80 columns
          -v, --verbose            report connection progress on stderr
          -h, --help               this text; `zkcli help` lists the commands, CMD --help one
          --version                print zkcli's version

        Exit status:
          0  success
          1  ZooKeeper refused a request (NoNode, NodeExists, BadVersion, NoAuth, ...)
          2  usage error: unknown command or option, missing argument, bad path or ACL
          3  no session: cannot connect, connection lost, session expired
        Reading stdin, zkcli runs every line even after failures (unless -e) and exits with the
        status of the LAST FAILING command (0 if none failed); a connection failure (3) stops the
        script. grep without a match and diff with a difference exit 1. Results go to stdout,
        errors to stderr; a closed pipe ends zkcli quietly with status 0.
        Colour is used on a terminal only, never with NO_COLOR set.
        """
}

public struct AuthCredential: Sendable, Hashable {
    public var scheme: String
    public var credential: String
}
