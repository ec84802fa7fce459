import ThresherExtract
import ThresherFormats
import ThresherScan
import ThresherState
import ThresherStore
import ThresherSystem

/// Everything one `thresh scan` run needs to know.
public struct ScanConfiguration: Sendable {
    public var roots: [String]
    public var output: String
    public var format: OutputFormat = .openai
    public var compression: Compression = .zstd
    public var level: Int = 3
    /// Uncompressed bytes per shard before a new one starts.
    public var shardSize: Int64 = 128 << 20
    public var jobs: Int = ScanConfiguration.availableCores
    /// Seconds a file must be unmodified before a turn open at its end counts.
    public var settle: Double = 60
    public var selector: ToolSelector = .mcp
    public var includeSidechains = true
    public var keepThinking = false
    /// The secrets replaced (SPEC §9); `.none` is `--no-redact`.
    public var redaction: RedactionRules = .all
    public var filters = ExampleFilters()
    /// `--split`: nil writes one set of shards.
    public var split: DatasetSplit?
    public var followSymlinks = false
    /// Only the files of this slice of the archive (`--partition K/N`).
    public var partition: Partition?
    /// Start the output folder afresh (`--full`).
    public var fresh = false
    /// nil: `pread` into a reused buffer. Mapped windows (`.mmap`) measured
    /// slower (docs/performance.md): populating and unmapping the pages
    /// costs more than the copy.
    public var readMethod: ReadMethod?
    public var chunkSize: Int = LineReader.defaultChunkSize
    /// Lines longer than this are mapped, not read into memory (`LineReader`).
    public var mapLinesAbove: Int64 = LineReader.defaultMapLinesAbove
    /// Find a JSON line's end while parsing it rather than by a newline
    /// search first (`RecordScanner.scanLine`); false: search, then parse
    /// (what every line `scanLine` declines gets anyway). Tests compare both.
    public var parsesLineEnds = true
    /// Bytes per work unit: big files are split so all cores share them.
    public var unitSize: Int64 = 32 << 20
    /// Input bytes workers may run ahead of the file the writer waits for
    /// (bounds memory; that file's own bytes do not count).
    public var inFlightBudget: Int64 = 192 << 20
    /// A file reading more input bytes than this is *huge*: its phase 2
    /// is fed unit by unit as units finish (its summaries are never all
    /// held) and its formatted examples wait in an unnamed scratch file in
    /// OUT/state until the writer takes them, not in memory.
    public var hugeFileAbove: Int64 = 64 << 20
    /// Files are opened this many ahead of the next one claimed, and the
    /// kernel asked to read their first `readAheadBytes` (one read buffer)
    /// meanwhile: an archive not in the page cache is read with many
    /// requests in flight instead of one per worker. 0 turns both off.
    public var openAheadFiles = 64
    public var readAheadBytes: Int64 = 1 << 20
    /// A worker claims the next unit and, when it is a small file's only
    /// unit, the whole files after it, up to this many files or input
    /// bytes: with tens of thousands of small files, a claim, a result and
    /// a wake-up under the scheduler's lock per file cost more than the
    /// work of some (docs/performance.md). 1 claims one unit at a time.
    public var claimFiles = 16
    public var claimBytes: Int64 = 1 << 20
    /// A file of one unit reading at most this many bytes is read whole
    /// into its worker's buffer and kept there for its phase 2, which reads
    /// its spans from memory instead of the file (`KeptBytes`); memory: this
    /// much per worker. 0 keeps none.
    public var keptFileBytes = 8 << 20

    /// Called on the writer thread after each file (for a progress display).
    public var progress: (@Sendable (ScanProgress) -> Void)?

    public init(roots: [String], output: String) {
        self.roots = roots
        self.output = output
    }

    /// The redactor for `redaction`; nil when it is off.
    public var redactor: Redactor? { redaction.isEmpty ? nil : Redactor(rules: redaction) }

    /// The options that shape examples, fixed for an output folder's life
    /// (SPEC §8), by their command-line names, `--format` first.
    public var shapingOptions: [ShapingOption] {
        ShapingOption.list(format: format, selector: selector, includeSidechains: includeSidechains,
                            keepThinking: keepThinking, redaction: redaction, filters: filters, split: split)
            + (partition.map { [ShapingOption(name: ShapingOption.partitionName, value: $0.description)] } ?? [])
    }
    public static var availableCores: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// The default root: `$CLAUDE_CONFIG_DIR/projects`, else `~/.claude/projects`.
    public static func defaultRoot(environment: [String: String]) -> String {
        if let config = environment["CLAUDE_CONFIG_DIR"], !config.isEmpty { return config + "/projects" }
        return (environment["HOME"] ?? "") + "/.claude/projects"
    }
}
