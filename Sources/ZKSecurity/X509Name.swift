/// A certificate's subject as Java's `X500Principal.getName()` writes it (RFC 2253): the relative
/// distinguished names last first, `CN=client,OU=ops,O=Example`. That string is the id of Apache's x509
/// ACL scheme (X509AuthenticationProvider.getClientId), so it must match Java's byte for byte.
public enum X509Name {
    public enum ParseError: Error, Equatable { case malformed }

    /// The subject of a DER certificate.
    public static func subject(ofCertificateDER der: [UInt8]) throws(ParseError) -> String {
        var top = DER(der)
        var certificate = try top.enter(0x30)
        var tbs = try certificate.enter(0x30)
        if tbs.peekTag == 0xA0 { try tbs.skip() }      // [0] version
        try tbs.skip()                                  // serialNumber
        try tbs.skip()                                  // signature algorithm
        try tbs.skip()                                  // issuer
        try tbs.skip()                                  // validity
        return try rfc2253(name: tbs.element(0x30))
    }

    /// A DER Name (SEQUENCE OF SET OF AttributeTypeAndValue) in RFC 2253 form.
    static func rfc2253(name: [UInt8]) throws(ParseError) -> String {
        var outer = DER(name)
        var sequence = try outer.enter(0x30)
        var rdns: [String] = []
        while !sequence.atEnd {
            var set = try sequence.enter(0x31)
            var parts: [String] = []
            while !set.atEnd {
                var pair = try set.enter(0x30)
                let oid = try pair.content(0x06)
                let valueElement = try pair.rawElement()
                parts.append(attribute(oid: oid, value: valueElement))
            }
            rdns.append(parts.joined(separator: "+"))
        }
        return rdns.reversed().joined(separator: ",")
    }

    /// Java's RFC 2253 keywords; any other type is its dotted OID with the value as #hex of its DER.
    static let keywords: [[UInt8]: String] = [
        [0x55, 0x04, 0x03]: "CN", [0x55, 0x04, 0x06]: "C", [0x55, 0x04, 0x07]: "L", [0x55, 0x04, 0x08]: "ST",
        [0x55, 0x04, 0x0A]: "O", [0x55, 0x04, 0x0B]: "OU", [0x55, 0x04, 0x09]: "STREET",
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x19]: "DC",
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x01]: "UID",
    ]

    static func attribute(oid: [UInt8], value: (tag: UInt8, content: [UInt8], whole: [UInt8])) -> String {
        // Strings Java decodes: UTF8String, PrintableString, IA5String, T61String (as Latin-1), BMPString.
        let text: String?
        switch value.tag {
        case 0x0C, 0x13, 0x16: text = String(validating: value.content, as: UTF8.self)
        case 0x14: text = String(value.content.map { Character(Unicode.Scalar($0)) })
        case 0x1E:
            var units: [UInt16] = []
            var i = 0
            while i + 1 < value.content.count { units.append(UInt16(value.content[i]) << 8 | UInt16(value.content[i + 1])); i += 2 }
            text = String(decoding: units, as: UTF16.self)
        default: text = nil
        }
        if let keyword = keywords[oid], let text { return keyword + "=" + escape(text) }
        let hex = value.whole.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
        return (keywords[oid] ?? dotted(oid)) + "=#" + hex
    }

    /// RFC 2253 section 2.4: `,+"\<>;` escaped, and a leading `#` or space and a trailing space.
    static func escape(_ s: String) -> String {
        var out = ""
        let chars = Array(s)
        for (i, c) in chars.enumerated() {
            if ",+\"\\<>;".contains(c) || (i == 0 && (c == "#" || c == " ")) || (i == chars.count - 1 && c == " ") {
                out.append("\\")
            }
            out.append(c)
        }
        return out
    }

    static func dotted(_ oid: [UInt8]) -> String {
        guard let first = oid.first else { return "" }
        var parts = [first < 80 ? Int(first / 40) : 2, first < 80 ? Int(first % 40) : Int(first) - 80]
        var value = 0
        for b in oid.dropFirst() {
            value = value << 7 | Int(b & 0x7F)
            if b & 0x80 == 0 { parts.append(value); value = 0 }
        }
        return parts.map(String.init).joined(separator: ".")
    }

    /// Just enough DER: definite lengths, single-byte tags.
    struct DER {
        let bytes: [UInt8]
        var at: Int
        let end: Int
        init(_ bytes: [UInt8]) { self.bytes = bytes; at = 0; end = bytes.count }
        init(_ bytes: [UInt8], from: Int, to: Int) { self.bytes = bytes; at = from; end = to }

        var atEnd: Bool { at >= end }
        var peekTag: UInt8? { at < end ? bytes[at] : nil }

        /// (tag, content start, content end) of the element at `at`, which moves past it.
        mutating func header() throws(ParseError) -> (UInt8, Int, Int) {
            guard at + 2 <= end else { throw .malformed }
            let tag = bytes[at]
            var length = Int(bytes[at + 1])
            var start = at + 2
            if length & 0x80 != 0 {
                let count = length & 0x7F
                guard count >= 1, count <= 4, start + count <= end else { throw .malformed }
                length = 0
                for i in 0..<count { length = length << 8 | Int(bytes[start + i]) }
                start += count
            }
            guard start + length <= end else { throw .malformed }
            at = start + length
            return (tag, start, start + length)
        }

        mutating func enter(_ tag: UInt8) throws(ParseError) -> DER {
            let (t, start, stop) = try header()
            guard t == tag else { throw .malformed }
            return DER(bytes, from: start, to: stop)
        }

        mutating func skip() throws(ParseError) { _ = try header() }

        mutating func content(_ tag: UInt8) throws(ParseError) -> [UInt8] {
            let (t, start, stop) = try header()
            guard t == tag else { throw .malformed }
            return Array(bytes[start..<stop])
        }

        mutating func element(_ tag: UInt8) throws(ParseError) -> [UInt8] {
            let begin = at
            let (t, _, stop) = try header()
            guard t == tag else { throw .malformed }
            return Array(bytes[begin..<stop])
        }

        mutating func rawElement() throws(ParseError) -> (tag: UInt8, content: [UInt8], whole: [UInt8]) {
            let begin = at
            let (t, start, stop) = try header()
            return (t, Array(bytes[start..<stop]), Array(bytes[begin..<stop]))
        }
    }
}
