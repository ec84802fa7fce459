import ThresherExtract
import ThresherFormats

/// One option that shapes examples, as the manifest keeps it: its
/// command-line name (`--tools`) and its value as text.
public struct ShapingOption: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension ShapingOption {
    /// `--partition`: kept only when given, so folders from before it
    /// (and whole-archive scans) hold the same options as ever.
    public static let partitionName = "--partition"

    public static func list(format: OutputFormat, selector: ToolSelector?, includeSidechains: Bool?,
                                      keepThinking: Bool?, redaction: RedactionRules?, filters: ExampleFilters,
                                      split: DatasetSplit?) -> [ShapingOption] {
        var options = [ShapingOption(name: "--format", value: format.rawValue)]
        if let selector {
            let tools = switch selector {
            case .mcp: "mcp__*"
            case .all: "* (--all-tools)"
            case .globs(let globs): globs.joined(separator: ",")
            }
            options.append(ShapingOption(name: "--tools", value: tools))
        }
        if let includeSidechains {
            options.append(ShapingOption(name: "--no-sidechains", value: includeSidechains ? "off" : "on"))
        }
        if let keepThinking { options.append(ShapingOption(name: "--keep-thinking", value: keepThinking ? "on" : "off")) }
        if let redaction { options.append(ShapingOption(name: "--redact", value: redaction.description)) }
        let set = Dictionary(uniqueKeysWithValues: filters.settings)
        for filter in ExampleFilters.Filter.allCases {
            options.append(ShapingOption(name: filter.option, value: set[filter.rawValue] ?? "off"))
        }
        options.append(ShapingOption(name: "--split", value: split?.description ?? "off"))
        return options
    }
}
