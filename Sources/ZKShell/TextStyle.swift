/// How text output is laid out: the width tables must fit, and whether ANSI colour is used. Colour is for a
/// terminal only, and never when NO_COLOR is set (https://no-color.org).
public struct TextStyle: Sendable, Hashable {
    /// nil: no limit (--wide).
    public var width: Int?
    /// Colour on stdout, and on stderr (each may be a terminal or not).
    public var colour: Bool
    public var errorColour: Bool

    public init(width: Int? = 80, colour: Bool = false, errorColour: Bool = false) {
        self.width = width; self.colour = colour; self.errorColour = errorColour
    }

    public static let plain = TextStyle()

    enum Colour: String {
        case red = "31", green = "32", yellow = "33", blue = "34", magenta = "35", bold = "1", boldBlue = "1;34"
    }

    func paint(_ text: String, _ colour: Colour) -> String {
        self.colour ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    func paintError(_ text: String) -> String {
        errorColour ? "\u{1B}[31m\(text)\u{1B}[0m" : text
    }
}

/// Sizes for people: du -h's "1.5K", or "1.5 KiB" with a space and the IEC unit.
enum HumanSize {
    static func format(_ bytes: Int64, iec: Bool) -> String {
        let units = ["K", "M", "G", "T", "P"]
        guard bytes >= 1024 else { return iec ? "\(bytes) B" : "\(bytes)" }
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        let number: String
        if value < 10 {
            let tenths = Int((value * 10).rounded())
            number = tenths >= 100 ? "10" : "\(tenths / 10).\(tenths % 10)"
        } else {
            number = "\(Int(value.rounded()))"
        }
        return iec ? "\(number) \(units[unit])iB" : number + units[unit]
    }
}
