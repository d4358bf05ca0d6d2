import Foundation
import ZKServerCore

/// Facts about the host for envi and mntr.
enum SystemEnvironment {
    static func current() -> ServerEnvironment {
        var env = ServerEnvironment()
        let info = ProcessInfo.processInfo
        env.hostName = info.hostName
        env.osVersion = info.operatingSystemVersionString
        env.userName = info.environment["USER"] ?? "root"
        env.userHome = info.environment["HOME"] ?? ""
        env.workingDirectory = FileManager.default.currentDirectoryPath
        env.openFileDescriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { env.maxFileDescriptors = Int(limit.rlim_cur) }
        return env
    }
}
