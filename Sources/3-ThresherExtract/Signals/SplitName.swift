/// Which part of the dataset an example belongs to (SPEC §10).
public enum SplitName: String, Sendable, CaseIterable {
    case train, val, test
}
