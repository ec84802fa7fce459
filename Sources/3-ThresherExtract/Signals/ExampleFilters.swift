import ThresherSystem

/// SPEC §10's filters, each off unless set, tried in this order; a turn is
/// counted under the first it fails.
public struct ExampleFilters: Sendable, Equatable {
    public enum Filter: String, Sendable, CaseIterable {
        case maxToolErrors = "max_tool_errors", minCalls = "min_calls", maxBytes = "max_bytes", feedback
        case since, until, project

        /// The command-line option that sets it.
        public var option: String { "--" + rawValue.replacingUnderscores() }
    }

    public var maxToolErrors: Int?
    public var minCalls: Int?
    public var maxBytes: Int64?
    /// Feedback values kept; nil inside the set stands for `none` (absent).
    public var feedback: Set<Feedback?>?
    public var since: String?
    public var until: String?
    /// A case-sensitive shell glob over `cwd`.
    public var project: String?

    public init() {}

    public var isEmpty: Bool { self == ExampleFilters() }

    /// The first filter `m` fails, or nil when it passes them all.
    public func firstFailure(_ m: ExampleMetadata) -> Filter? {
        if let maxToolErrors, m.numToolErrors > maxToolErrors { return .maxToolErrors }
        if let minCalls, m.numToolCalls < minCalls { return .minCalls }
        if let maxBytes, Int64(m.bytes) > maxBytes { return .maxBytes }
        if let feedback, !feedback.contains(m.feedback) { return .feedback }
        if let since, !(m.startedAt.map { !Self.less($0, since) } ?? false) { return .since }
        if let until, !(m.startedAt.map { Self.less($0, until) } ?? false) { return .until }
        if let project, !(m.cwd.map { fnmatch(project, $0, 0) == 0 } ?? false) { return .project }
        return nil
    }

    /// String order as Python compares strings: by code point, which is
    /// UTF-8 byte order.
    static func less(_ a: String, _ b: String) -> Bool {
        a.utf8Precedes(b)
    }

    /// Parses `--feedback`'s list: positive, neutral, negative, none.
    public static func parseFeedback(_ list: String) throws -> Set<Feedback?> {
        var values: Set<Feedback?> = []
        for word in list.split(separator: ",", omittingEmptySubsequences: false) {
            if word == "none" {
                values.insert(nil)
            } else if let value = Feedback(rawValue: String(word)) {
                values.insert(value)
            } else {
                throw InvalidValue(option: Filter.feedback.option, description: "--feedback: unknown value '\(word)' (use positive, neutral, negative, none)")
            }
        }
        return values
    }

    /// Checks a `--project` glob: an unclosed `[` or a trailing `\` cannot parse.
    public static func checkGlob(_ glob: String) throws {
        var bytes = Array(glob.utf8)[...]
        while let c = bytes.popFirst() {
            switch c {
            case UInt8(ascii: "\\"):
                guard bytes.popFirst() != nil else {
                    throw InvalidValue(option: "--project", description: "--project: glob '\(glob)' ends with a lone backslash")
                }
            case UInt8(ascii: "["):
                // `]` right after `[` or `[!` is a member, not the end.
                if bytes.first == UInt8(ascii: "!") || bytes.first == UInt8(ascii: "^") { bytes.removeFirst() }
                if bytes.first == UInt8(ascii: "]") { bytes.removeFirst() }
                guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else {
                    throw InvalidValue(option: "--project", description: "--project: glob '\(glob)' has a '[' that is never closed")
                }
                bytes = bytes[(close + 1)...]
            default:
                break
            }
        }
    }

    /// The filters as the manifest keeps them (only those set), for the
    /// fixed-options check: `(name, value)` pairs in filter order.
    public var settings: [(String, String)] {
        var out: [(String, String)] = []
        if let maxToolErrors { out.append((Filter.maxToolErrors.rawValue, String(maxToolErrors))) }
        if let minCalls { out.append((Filter.minCalls.rawValue, String(minCalls))) }
        if let maxBytes { out.append((Filter.maxBytes.rawValue, String(maxBytes))) }
        if let feedback {
            let names = feedback.map { $0?.rawValue ?? "none" }.sorted()
            out.append((Filter.feedback.rawValue, names.joined(separator: ",")))
        }
        if let since { out.append((Filter.since.rawValue, since)) }
        if let until { out.append((Filter.until.rawValue, until)) }
        if let project { out.append((Filter.project.rawValue, project)) }
        return out
    }

    public struct InvalidValue: Error, CustomStringConvertible {
        public var option: String
        public var description: String
    }
}

private extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}
