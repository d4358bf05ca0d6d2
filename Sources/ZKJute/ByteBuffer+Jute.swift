import NIOCore

// Apache's BinaryOutputArchive / BinaryInputArchive: big-endian ints and longs, one-byte booleans,
// buffers and strings as an int32 length (-1 for null) followed by the bytes, vectors as an int32
// count (-1 for null) followed by the elements.

extension ByteBuffer {
    @inlinable public mutating func writeJuteInt(_ value: Int32) { writeInteger(value, as: Int32.self) }
    @inlinable public mutating func writeJuteLong(_ value: Int64) { writeInteger(value, as: Int64.self) }
    @inlinable public mutating func writeJuteBool(_ value: Bool) { writeInteger(value ? 1 : 0, as: UInt8.self) }

    @inlinable public mutating func writeJuteBuffer(_ bytes: [UInt8]?) {
        guard let bytes else { return writeJuteInt(-1) }
        writeJuteInt(Int32(truncatingIfNeeded: bytes.count))
        writeBytes(bytes)
    }

    /// A buffer field written from bytes already in a ByteBuffer (a proposal's transaction), with no array
    /// in between.
    @inlinable public mutating func writeJuteByteBuffer(_ bytes: ByteBuffer?) {
        guard let bytes else { return writeJuteInt(-1) }
        writeJuteInt(Int32(truncatingIfNeeded: bytes.readableBytes))
        writeImmutableBuffer(bytes)
    }

    @inlinable public mutating func writeJuteString(_ string: String?) {
        guard let string else { return writeJuteInt(-1) }
        let lengthIndex = writerIndex
        writeJuteInt(0)
        let written = writeString(string)
        setInteger(Int32(truncatingIfNeeded: written), at: lengthIndex, as: Int32.self)
    }

    @inlinable public mutating func writeJuteVector<T>(_ elements: [T]?, _ writeElement: (inout ByteBuffer, T) -> Void) {
        guard let elements else { return writeJuteInt(-1) }
        writeJuteInt(Int32(truncatingIfNeeded: elements.count))
        for element in elements { writeElement(&self, element) }
    }

    @inlinable public mutating func writeJuteRecords<T: JuteEncodable>(_ records: [T]?) {
        writeJuteVector(records) { buffer, record in record.encode(into: &buffer) }
    }

    @inlinable public mutating func readJuteInt(_ field: String = "int") throws(JuteError) -> Int32 {
        guard let value = readInteger(as: Int32.self) else { throw .truncated(field: field) }
        return value
    }

    @inlinable public mutating func readJuteLong(_ field: String = "long") throws(JuteError) -> Int64 {
        guard let value = readInteger(as: Int64.self) else { throw .truncated(field: field) }
        return value
    }

    @inlinable public mutating func readJuteBool(_ field: String = "bool") throws(JuteError) -> Bool {
        guard let value = readInteger(as: UInt8.self) else { throw .truncated(field: field) }
        return value != 0
    }

    /// Reads a length prefix; nil means the null marker (-1).
    @inlinable mutating func readJuteLength(_ field: String, elementSize: Int) throws(JuteError) -> Int? {
        let length = try readJuteInt(field)
        if length == -1 { return nil }
        guard length >= 0, Int(length) <= readableBytes / elementSize else {
            throw .invalidLength(field: field, length: length)
        }
        return Int(length)
    }

    @inlinable public mutating func readJuteOptionalBuffer(_ field: String = "buffer") throws(JuteError) -> [UInt8]? {
        guard let length = try readJuteLength(field, elementSize: 1) else { return nil }
        return readBytes(length: length)
    }

    /// A buffer field as a ByteBuffer of its own: one copy, sized to the field, so whoever keeps it (Zab keeps
    /// proposals in memory) does not keep the whole read buffer alive.
    @inlinable public mutating func readJuteOptionalByteBuffer(_ field: String = "buffer") throws(JuteError) -> ByteBuffer? {
        guard let length = try readJuteLength(field, elementSize: 1), let slice = readSlice(length: length) else { return nil }
        var copy = ByteBufferAllocator().buffer(capacity: length)
        copy.writeImmutableBuffer(slice)
        return copy
    }

    /// A buffer whose null form is read as empty, as Apache's server treats it.
    @inlinable public mutating func readJuteBuffer(_ field: String = "buffer") throws(JuteError) -> [UInt8] {
        try readJuteOptionalBuffer(field) ?? []
    }

    @inlinable public mutating func readJuteOptionalString(_ field: String = "string") throws(JuteError) -> String? {
        guard let length = try readJuteLength(field, elementSize: 1) else { return nil }
        return readString(length: length)
    }

    @inlinable public mutating func readJuteString(_ field: String = "string") throws(JuteError) -> String {
        try readJuteOptionalString(field) ?? ""
    }

    /// Reads a vector; every element takes at least `minimumElementSize` bytes, which bounds the count
    /// by what is left so that a hostile count cannot make us reserve memory.
    @inlinable public mutating func readJuteOptionalVector<T>(
        _ field: String, minimumElementSize: Int = 1, _ readElement: (inout ByteBuffer) throws(JuteError) -> T
    ) throws(JuteError) -> [T]? {
        guard let count = try readJuteLength(field, elementSize: Swift.max(1, minimumElementSize)) else { return nil }
        var elements: [T] = []
        elements.reserveCapacity(count)
        for _ in 0..<count { elements.append(try readElement(&self)) }
        return elements
    }

    @inlinable public mutating func readJuteVector<T>(
        _ field: String, minimumElementSize: Int = 1, _ readElement: (inout ByteBuffer) throws(JuteError) -> T
    ) throws(JuteError) -> [T] {
        try readJuteOptionalVector(field, minimumElementSize: minimumElementSize, readElement) ?? []
    }

    @inlinable public mutating func readJuteStrings(_ field: String) throws(JuteError) -> [String] {
        try readJuteVector(field, minimumElementSize: 4) { (buffer: inout ByteBuffer) throws(JuteError) in try buffer.readJuteString(field) }
    }

    @inlinable public mutating func readJuteRecords<T: JuteDecodable>(_ field: String, minimumElementSize: Int = 1) throws(JuteError) -> [T] {
        try readJuteVector(field, minimumElementSize: minimumElementSize) { (buffer: inout ByteBuffer) throws(JuteError) in try T(from: &buffer) }
    }

    @inlinable public mutating func writeJuteStrings(_ strings: [String]?) {
        writeJuteVector(strings) { buffer, string in buffer.writeJuteString(string) }
    }
}
