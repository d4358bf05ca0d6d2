#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ZKServerCore

/// The only place the server reads clocks.
enum SystemClock {
    static func now() -> Now {
        var mono = timespec()
        clock_gettime(CLOCK_MONOTONIC, &mono)
        var wall = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        return Now(monotonicMillis: Int64(mono.tv_sec) * 1000 + Int64(mono.tv_nsec) / 1_000_000,
                   wallMillis: Int64(wall.tv_sec) * 1000 + Int64(wall.tv_nsec) / 1_000_000)
    }
}
