/// The structural index of one JSON document: a flat array of nodes in
/// document order, children right after their container (object members
/// alternate key, value).
///
/// A tape is reused line after line (`parse` keeps its capacity), and it
/// refers to the bytes it was parsed from without owning them: the tape's
/// accessors that take `bytes` must be given that same buffer. The small
/// accessors are `@inlinable`: record summaries call them for every member.
public struct JSONTape: Sendable {
    /// Node storage: the first `count` are this document's; the rest is
    /// room the parser writes into (and grows) without appending.
    @usableFromInline var nodes: [JSONNode]
    /// The number of nodes of the parsed document.
    public internal(set) var count = 0
    /// The parser's stack of open containers (`maxDepth` entries).
    var stack: [UInt32] = []
    /// Not every value is stored: the document had more nodes than
    /// `shallowAbove`, so only the root and its direct children (or, with
    /// millions of those, the root alone) are, or the parse was asked to
    /// store no deeper than `storingDepth` (see `JSONParser.parse`). A
    /// stored container's unstored children are absent; its extent is exact.
    public internal(set) var isShallow = false

    static let blank = JSONNode(kind: .null, flags: 0, start: 0, end: 0, next: 0)

    /// Empty: the parser grows the storage as a document needs it. Phase 2
    /// makes a tape per file, and most small files decode a few spans.
    public init() {
        nodes = []
    }

    /// The index of the root value after a successful parse.
    public var root: Int { 0 }

    @inlinable
    public subscript(_ index: Int) -> JSONNode { nodes[index] }
}

extension JSONTape {
    /// The (key, value) index pairs of an object, in written order.
    @inlinable
    public func members(of object: Int) -> MemberSequence {
        precondition(nodes[object].kind == .object)
        return MemberSequence(nodes: nodes, index: object + 1, end: Int(nodes[object].next))
    }

    /// The element indices of an array, in order.
    @inlinable
    public func elements(of array: Int) -> ElementSequence {
        precondition(nodes[array].kind == .array)
        return ElementSequence(nodes: nodes, index: array + 1, end: Int(nodes[array].next))
    }

    public struct MemberSequence: Sequence, IteratorProtocol {
        @usableFromInline let nodes: [JSONNode]
        @usableFromInline var index: Int
        @usableFromInline let end: Int

        @inlinable
        init(nodes: [JSONNode], index: Int, end: Int) {
            self.nodes = nodes
            self.index = index
            self.end = end
        }

        @inlinable
        public mutating func next() -> (key: Int, value: Int)? {
            guard index < end else { return nil }
            let key = index
            let value = index + 1
            index = Int(nodes[value].next)
            return (key, value)
        }
    }

    public struct ElementSequence: Sequence, IteratorProtocol {
        @usableFromInline let nodes: [JSONNode]
        @usableFromInline var index: Int
        @usableFromInline let end: Int

        @inlinable
        init(nodes: [JSONNode], index: Int, end: Int) {
            self.nodes = nodes
            self.index = index
            self.end = end
        }

        @inlinable
        public mutating func next() -> Int? {
            guard index < end else { return nil }
            let element = index
            index = Int(nodes[element].next)
            return element
        }
    }

    /// The number of direct members (objects) or elements (arrays).
    public func count(of container: Int) -> Int {
        var n = 0
        var i = container + 1
        let end = Int(nodes[container].next)
        let step = nodes[container].kind == .object ? 2 : 1
        while i < end {
            n += 1
            i = step == 2 ? Int(nodes[i + 1].next) : Int(nodes[i].next)
        }
        return n
    }

    /// The value of the last member named `key` (a repeated key takes its
    /// last value, as JavaScript's `JSON.parse` does), or nil.
    @inlinable
    public func member(
        of object: Int, _ key: StaticString, in bytes: UnsafeBufferPointer<UInt8>
    ) -> Int? {
        var found: Int?
        for (k, v) in members(of: object) where stringEquals(k, key, in: bytes) {
            found = v
        }
        return found
    }

    /// Whether the string node at `index` decodes to exactly `literal`.
    @inlinable
    public func stringEquals(
        _ index: Int, _ literal: StaticString, in bytes: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        let node = nodes[index]
        guard node.kind == .string else { return false }
        let literalBytes = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        if node.flags & JSONNode.escaped == 0 {
            let length = Int(node.end - node.start)
            guard length == literalBytes.count else { return false }
            // safe: start..<end lies inside `bytes`, found by the parser.
            return bytesEqual(bytes.baseAddress! + Int(node.start), literalBytes.baseAddress!, count: length)
        }
        return decodedBytes(index, in: bytes).elementsEqual(literalBytes)
    }

    /// A string node's body as written (between the quotes, escapes not
    /// resolved): for comparisons where the node's flags say it is plain.
    @inlinable
    public func rawBytes(_ index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let node = nodes[index]
        return UnsafeBufferPointer(rebasing: bytes[Int(node.start)..<Int(node.end)])
    }

    /// The byte range of a value's full text in the parsed buffer (for a
    /// string, including its quotes).
    @inlinable
    public func valueRange(_ index: Int) -> Range<Int> {
        let node = nodes[index]
        if node.kind == .string { return Int(node.start) - 1..<Int(node.end) + 1 }
        return Int(node.start)..<Int(node.end)
    }
}
