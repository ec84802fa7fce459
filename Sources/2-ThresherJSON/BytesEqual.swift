/// Whether `count` bytes at `a` and `b` are equal, compared inline 8 bytes
/// at a time: the runs compared in hot paths (keys, type names) are a few
/// bytes long, where a `memcmp` call costs more than the comparison.
@inlinable @inline(__always)
public func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Bool {
    var k = 0
    while k &+ 8 <= count {
        guard UnsafeRawPointer(a + k).loadUnaligned(as: UInt64.self) == UnsafeRawPointer(b + k).loadUnaligned(as: UInt64.self) else {
            return false
        }
        k &+= 8
    }
    if k &+ 4 <= count {
        guard UnsafeRawPointer(a + k).loadUnaligned(as: UInt32.self) == UnsafeRawPointer(b + k).loadUnaligned(as: UInt32.self) else {
            return false
        }
        k &+= 4
    }
    while k < count {
        guard a[k] == b[k] else { return false }
        k &+= 1
    }
    return true
}
