import ThresherSystem

/// Which calls make a complete turn worth keeping (SPEC §4).
public enum ToolSelector: Sendable, Equatable {
    /// Names starting with `mcp__` (the default).
    case mcp
    /// Case-sensitive shell-style globs over the full name.
    case globs([String])
    /// Any call at all.
    case all

    public func matches(_ name: String) -> Bool {
        switch self {
        case .mcp: return name.utf8.starts(with: "mcp__".utf8)
        case .all: return true
        case .globs(let patterns): return patterns.contains { fnmatch($0, name, 0) == 0 }
        }
    }
}
