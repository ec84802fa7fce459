/// Small collections the reports and metadata write again and again.
extension JSONWriter {
    /// `["a","b",…]`.
    public mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// `{"name":count,…}`, in the order given.
    public mutating func counts(_ pairs: [(String, Int)]) {
        beginObject()
        for (name, count) in pairs {
            key(named: name)
            int(count)
        }
        endObject()
    }
}
