// swift-tools-version:6.1
import PackageDescription

// Strict settings applied to every target in one place. The client library and what it imports
// (ZKClient, ZKProtocol, ZKJute, ZKSecurity, ZKTLS) carry no unsafeFlags: SwiftPM refuses them in a package that is
// depended on by version.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]
// The server's own targets: debug builds (every test run) keep the runtime exclusivity checks that catch
// overlapping accesses; release builds drop them from every class-property access on the hot path.
let serverStrict: [SwiftSetting] = strict + [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let nioEmbedded: Target.Dependency = .product(name: "NIOEmbedded", package: "swift-nio")
let nioHTTP1: Target.Dependency = .product(name: "NIOHTTP1", package: "swift-nio")
let deque: Target.Dependency = .product(name: "DequeModule", package: "swift-collections")
let coreMetrics: Target.Dependency = .product(name: "CoreMetrics", package: "swift-metrics")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")

let package = Package(
    name: "swift-zookeeper",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "zkserver", targets: ["zkserver"]),
        .executable(name: "zkcli", targets: ["zkcli"]),
        .executable(name: "zkbench", targets: ["zkbench"]),
        .library(name: "ZKClient", targets: ["ZKClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // Pure cores: no sockets, files, clocks or randomness.
        .target(name: "ZKJute", dependencies: [nioCore], swiftSettings: strict),
        .target(name: "ZKProtocol", dependencies: ["ZKJute", nioCore], swiftSettings: strict),
        .target(name: "ZKDataTree", dependencies: ["ZKProtocol", crypto], swiftSettings: serverStrict),
        // Apache's metrics under its names, recorded through swift-metrics into lock-free cells; read by mntr,
        // the AdminServer and the Prometheus exposition.
        .target(name: "ZKMetrics", dependencies: [coreMetrics, .product(name: "Atomics", package: "swift-atomics"),
                                                  .product(name: "Prometheus", package: "swift-prometheus")], swiftSettings: serverStrict),
        .target(name: "ZKServerCore", dependencies: ["ZKDataTree", "ZKProtocol", "ZKMetrics", "ZKSecurity", coreMetrics, logging, nioCore, deque], swiftSettings: serverStrict),
        // Zab consensus as one pure peer: no I/O; NIOCore only for ByteBuffer, so log entries and snapshots
        // are the bytes the server logs and sends, not copies.
        .target(name: "ZKZab", dependencies: [nioCore], swiftSettings: serverStrict),
        // One server as a pure state machine: the core and, in an ensemble, the Zab peer; events in, one
        // ordered batch of effects out (NIOCore only for ByteBuffer).
        .target(name: "ZKReplica", dependencies: ["ZKServerCore", "ZKMetrics", coreMetrics, logging, "ZKZab", "ZKDataTree", "ZKProtocol", "ZKJute", nioCore, deque], swiftSettings: serverStrict),
        // Security that needs no I/O: Java keystores read from their bytes (and, later, SASL exchanges). No
        // unsafeFlags: the client library will read its key stores with it.
        .target(name: "ZKSecurity", dependencies: [crypto], swiftSettings: strict),
        .target(name: "ZKTLS", dependencies: ["ZKSecurity", .product(name: "NIOSSL", package: "swift-nio-ssl")], swiftSettings: strict),
        .target(name: "ZKStorage", dependencies: ["ZKDataTree", "ZKProtocol", "ZKJute", nioCore], swiftSettings: serverStrict),
        // I/O shells.
        .target(name: "ZKServer", dependencies: ["ZKReplica", "ZKServerCore", "ZKMetrics", coreMetrics, logging, "ZKStorage", "ZKZab", "ZKDataTree", "ZKProtocol", "ZKJute", "ZKSecurity", "ZKTLS", nioCore, nioPosix, nioHTTP1, deque,
                                                  .product(name: "NIOTLS", package: "swift-nio"),
                                                  .product(name: "NIOSSL", package: "swift-nio-ssl")], swiftSettings: serverStrict),
        .target(name: "ZKClient", dependencies: ["ZKProtocol", "ZKJute", "ZKSecurity", "ZKTLS", nioCore,
                                                 .product(name: "NIOSSL", package: "swift-nio-ssl"), nioPosix, .product(name: "NIOConcurrencyHelpers", package: "swift-nio")], swiftSettings: strict),
        .target(name: "ZKShell", dependencies: ["ZKClient", "ZKProtocol", nioCore,
                                                .product(name: "ArgumentParser", package: "swift-argument-parser")], swiftSettings: strict),
        .executableTarget(name: "zkserver", dependencies: ["ZKServer", "ZKServerCore", logging,
                                                           .product(name: "ArgumentParser", package: "swift-argument-parser")], swiftSettings: serverStrict),
        .executableTarget(name: "zkbench", dependencies: ["ZKClient", "ZKProtocol", "ZKStorage", "ZKDataTree", nioCore, nioPosix,
                                                          .product(name: "ArgumentParser", package: "swift-argument-parser")], swiftSettings: strict),
        // The decoders under libFuzzer (scripts/fuzz.sh builds it with -sanitize=fuzzer -DFUZZING); a normal
        // build replays the kept inputs of Tests/Fuzz.
        .executableTarget(name: "zkfuzz", dependencies: ["ZKProtocol", "ZKJute", "ZKSecurity", "ZKStorage", nioCore], swiftSettings: strict),
        .systemLibrary(name: "CLibEdit", path: "Sources/CLibEdit", providers: [.apt(["libedit-dev"])]),
        .executableTarget(name: "zkcli", dependencies: ["ZKShell", "ZKClient", "ZKProtocol", "CLibEdit", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")], swiftSettings: strict),
        // Helpers every test target shares: loopback ports, temporary directories, hex.
        .target(name: "ZKTestSupport", dependencies: [nioCore], path: "Tests/ZKTestSupport", swiftSettings: strict),
        // The simulators' clock, queue and randomness, shared by the Zab and the whole-server simulations.
        .target(name: "ZKSimulation", path: "Tests/ZKSimulation", swiftSettings: strict),
        .testTarget(name: "ZKJuteTests", dependencies: ["ZKJute", "ZKTestSupport", nioCore], swiftSettings: strict),
        .testTarget(name: "ZKProtocolTests", dependencies: ["ZKProtocol", "ZKJute", "ZKTestSupport", nioCore], swiftSettings: strict),
        .testTarget(name: "ZKDataTreeTests", dependencies: ["ZKDataTree", "ZKProtocol", "ZKJute", nioCore, crypto], swiftSettings: strict),
        .testTarget(name: "ZKMetricsTests", dependencies: ["ZKMetrics", coreMetrics], swiftSettings: strict),
        .testTarget(name: "ZKServerCoreTests", dependencies: ["ZKServerCore", "ZKSecurity", "ZKMetrics", "ZKDataTree", "ZKProtocol", "ZKJute", nioCore], swiftSettings: strict),
        .testTarget(name: "ZKServerTests", dependencies: ["ZKServer", "ZKTLS", logging, "ZKClient", "ZKServerCore", "ZKDataTree", "ZKProtocol", "ZKJute", "ZKTestSupport", nioCore, nioPosix, nioEmbedded], swiftSettings: strict),
        .testTarget(name: "ZKClientTests", dependencies: ["ZKClient", "ZKProtocol", "ZKJute", "ZKSecurity", nioCore, nioEmbedded], swiftSettings: strict),
        .testTarget(name: "ZKStorageTests", dependencies: ["ZKStorage", "ZKDataTree", "ZKProtocol", "ZKJute", "ZKTestSupport", nioCore], swiftSettings: strict),
        .testTarget(name: "ZKShellTests", dependencies: ["ZKShell", "ZKClient", "ZKTestSupport"], swiftSettings: strict),
        .testTarget(name: "ZKReplicaTests", dependencies: ["ZKReplica", "ZKServerCore", "ZKZab", "ZKStorage", "ZKDataTree", "ZKProtocol", "ZKJute", "ZKSimulation", nioCore], swiftSettings: strict),
        .testTarget(name: "ZKSecurityTests", dependencies: ["ZKSecurity"], resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "ZKZabTests", dependencies: ["ZKZab", "ZKSimulation", nioCore], exclude: ["Traces"], swiftSettings: strict),
    ]
)
