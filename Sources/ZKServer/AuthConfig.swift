import Foundation
import ZKDataTree
import ZKSecurity
import ZKServerCore

/// Client authentication beyond digest, from Apache's system properties (a zoo.cfg key Apache does
/// not know becomes `zookeeper.<key>`, over any -D of it, so both spellings land here):
/// `zookeeper.authProvider.N` naming SASLAuthenticationProvider or X509AuthenticationProvider, the JAAS
/// file of `java.security.auth.login.config` with its `Server` section (`zookeeper.sasl.serverconfig`),
/// `zookeeper.superUser`, `zookeeper.SASLAuthenticationProvider.superPassword`,
/// `zookeeper.letAnySaslUserDoX`, `zookeeper.allowSaslFailedClients`, and enforcement with
/// `zookeeper.enforce.auth.enabled`/`zookeeper.enforce.auth.schemes` or
/// `zookeeper.sessionRequireClientSASLAuth`; and for TLS clients `zookeeper.ssl.authProvider` (x509 only) and
/// `zookeeper.X509AuthenticationProvider.superUser`.
public struct AuthConfig: Sendable, Equatable {
    public static let saslProviderClass = "org.apache.zookeeper.server.auth.SASLAuthenticationProvider"
    public static let x509ProviderClass = "org.apache.zookeeper.server.auth.X509AuthenticationProvider"
    static let knownProviderClasses = [saslProviderClass, x509ProviderClass,
                                       "org.apache.zookeeper.server.auth.DigestAuthenticationProvider",
                                       "org.apache.zookeeper.server.auth.IPAuthenticationProvider"]

    public var providers = AuthProviders()
    public var sasl: SASLSettings?
    public var allowSaslFailedClients = false
    public var enforcedSchemes: Set<String> = []
    public var x509SuperUser: String?
    /// The JAAS file as read (its quorum sections are the ensemble's business).
    public var jaas: JAASConfig?

    public init() {}

    /// Reads the properties and the JAAS file; each problem is (key, message).
    /// - Parameter securePort: a secureClientPort is configured (Apache then has the x509 provider).
    static func resolve(_ properties: [String: String], securePort: Bool) -> (AuthConfig, [(key: String, message: String)]) {
        var config = AuthConfig()
        var problems: [(key: String, message: String)] = []
        func flag(_ key: String) -> Bool { properties[key]?.lowercased() == "true" }
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) where key.hasPrefix("zookeeper.authProvider.") {
            switch value {
            case saslProviderClass: config.providers.sasl = true
            case x509ProviderClass: config.providers.x509 = true
            case let known where knownProviderClasses.contains(known): break
            default: problems.append((key, "authentication provider \(value) is not one zkserver has (SASL, X509, Digest, IP)"))
            }
        }
        if securePort { config.providers.x509 = true }
        if let scheme = properties["zookeeper.ssl.authProvider"], scheme != "x509" {
            problems.append(("ssl.authProvider", "the TLS authentication provider \(scheme) is not one zkserver has (x509)"))
        }
        config.x509SuperUser = properties["zookeeper.X509AuthenticationProvider.superUser"]
        config.providers.letAnySaslUserDoX = properties["zookeeper.letAnySaslUserDoX"]
        config.allowSaslFailedClients = flag("zookeeper.allowSaslFailedClients")
        if flag("zookeeper.sessionRequireClientSASLAuth") {
            config.enforcedSchemes = ["sasl"]
        } else if flag("zookeeper.enforce.auth.enabled") {
            let schemes = (properties["zookeeper.enforce.auth.schemes"] ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if schemes.isEmpty {
                problems.append(("zookeeper.enforce.auth.schemes", "enforce.auth.enabled is true but enforce.auth.schemes names no scheme"))
            }
            config.enforcedSchemes = Set(schemes)
        }
        for scheme in config.enforcedSchemes.sorted() where !["digest", "ip"].contains(scheme) && !config.providers.has(scheme) {
            problems.append(("zookeeper.enforce.auth.schemes", "authentication scheme \(scheme) is enforced but no authProvider provides it"))
        }
        let serverSection = properties["zookeeper.sasl.serverconfig"] ?? "Server"
        if let path = properties["java.security.auth.login.config"], !path.isEmpty {
            do {
                let jaas = try JAASConfig.parse(try String(contentsOfFile: path, encoding: .utf8))
                config.jaas = jaas
                if jaas.sections[serverSection] != nil {
                    config.sasl = SASLSettings(users: jaas.digestUsers(section: serverSection),
                                               superUsers: Set(properties.filter { $0.key == "zookeeper.superUser" || $0.key.hasPrefix("zookeeper.superUser.") }.values),
                                               superPassword: properties["zookeeper.SASLAuthenticationProvider.superPassword"])
                }
            } catch let error as JAASConfig.ParseError {
                problems.append(("java.security.auth.login.config", "\(path): \(error)"))
            } catch {
                problems.append(("java.security.auth.login.config", "cannot read the JAAS file \(path): \(error.localizedDescription)"))
            }
        }
        if config.enforcedSchemes.contains("sasl") && config.sasl == nil {
            problems.append(("zookeeper.sessionRequireClientSASLAuth",
                             "SASL is required but there is no JAAS section named '\(serverSection)'"))
        }
        return (config, problems)
    }
}
