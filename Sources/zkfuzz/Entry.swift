#if canImport(Glibc)
import Glibc
#endif
import Foundation

#if FUZZING
/// libFuzzer's entry: the target named by ZKFUZZ_TARGET gets every input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzEntry.target(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// SwiftPM makes an executable's `main` this module's `zkfuzz_main`: hand the process to libFuzzer.
@_cdecl("zkfuzz_main")
public func zkfuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}

enum FuzzEntry {
    static let target: @Sendable ([UInt8]) -> Void = {
        guard let name = getenv("ZKFUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTargets.all[name] else {
            fatalError("set ZKFUZZ_TARGET to one of: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))")
        }
        return target
    }()
}
#else
/// Without libFuzzer: `zkfuzz DIR` runs each target over DIR/<target>/* (the kept inputs), so that every
/// input that once crashed stays a test of the normal build.
@main
enum Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let root = arguments.first else {
            print("usage: zkfuzz DIR   (runs every target over DIR/<target>/*)")
            exit(2)
        }
        var count = 0
        for (name, target) in FuzzTargets.all.sorted(by: { $0.key < $1.key }) {
            let directory = root + "/" + name
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for entry in entries.sorted() {
                guard let data = FileManager.default.contents(atPath: directory + "/" + entry) else { continue }
                target(Array(data))
                count += 1
            }
        }
        print("zkfuzz: \(count) inputs replayed without a crash")
    }
}
#endif
