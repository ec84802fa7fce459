/// Where escaped JSON text can be appended: a byte array, or a
/// `JSONWriter`'s own storage. The escaping code is written once, generic
/// over this, and specialized for each.
public protocol JSONByteSink: ~Copyable {
    mutating func append(byte: UInt8)
    mutating func append(bytes: UnsafeBufferPointer<UInt8>)
}
