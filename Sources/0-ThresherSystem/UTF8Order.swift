extension String {
    /// Whether `self` sorts before `other` by their UTF-8 bytes (code point
    /// order, as Python compares strings; the order of files in a scan).
    ///
    /// `utf8.lexicographicallyPrecedes` gives the same answer byte by byte
    /// through generic iterators: sorting 15 000 paths that way was 1% of a
    /// whole many-small scan, on the main thread before any worker starts.
    /// Native strings are contiguous, so this is one `memcmp`.
    @inlinable
    public func utf8Precedes(_ other: String) -> Bool {
        let fast = utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b -> Bool in
                let common = min(a.count, b.count)
                let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
                return order != 0 ? order < 0 : a.count < b.count
            }
        }
        if let answer = fast ?? nil { return answer }
        return utf8.lexicographicallyPrecedes(other.utf8)
    }
}
