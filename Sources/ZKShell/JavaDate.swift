/// java.util.Date.toString() in UTC: "EEE MMM dd HH:mm:ss zzz yyyy", e.g. "Sun Nov 22 13:01:06 UTC 2026".
/// Pure arithmetic on the epoch milliseconds, no clock or time zone database.
public enum JavaDate {
    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func string(epochMillis: Int64) -> String {
        let seconds = floorDiv(epochMillis, 1000)
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        let weekday = Int(floorMod(days + 4, 7))  // 1970-01-01 was a Thursday
        let hh = secondOfDay / 3600, mm = secondOfDay / 60 % 60, ss = secondOfDay % 60
        return "\(weekdays[weekday]) \(months[month - 1]) \(pad(day, 2)) \(pad(hh, 2)):\(pad(mm, 2)):\(pad(ss, 2)) UTC \(pad(year, 4))"
    }

    /// Howard Hinnant's days_from_civil inverse: proleptic Gregorian (year, month 1-12, day 1-31).
    static func civil(fromDays days: Int64) -> (Int64, Int, Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, Int(month), day)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return value < 0 ? "-" + padded : padded
    }
}
