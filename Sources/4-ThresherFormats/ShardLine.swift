import ThresherJSON

/// One line of a shard, parsed, as the format rules read it.
struct ShardLine {
    let tape: JSONTape
    let buffer: UnsafeBufferPointer<UInt8>

    var root: Int { tape.root }

    func member(_ object: Int, _ key: StaticString) -> Int? { tape.member(of: object, key, in: buffer) }

    func kind(_ index: Int?) -> JSONKind? { index.map { tape[$0].kind } }

    /// The decoded string at `index`, or nil when it is absent or not a string.
    func string(_ index: Int?) -> String? {
        guard let index, tape[index].kind == .string else { return nil }
        return tape.decodeString(index, in: buffer)
    }

    func elements(_ array: Int) -> [Int] { Array(tape.elements(of: array)) }
}
