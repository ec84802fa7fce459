/// The kinds of value a `JSONNode` can hold.
public enum JSONKind: UInt8, Sendable {
    case object, array, string, number, `true`, `false`, null
}
