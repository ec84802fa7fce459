import ThresherExtract
import ThresherFormats
import ThresherJSON
import ThresherStore

/// Turns a file's examples into `PreparedExample`s on the worker that
/// assembled it, so the writer thread only dedups and compresses. One
/// writer and one hasher serve every example of the file.
final class ExamplePreparer {
    let format: OutputFormat
    let split: DatasetSplit?
    private(set) var prepared: [PreparedExample] = []
    /// Selected examples the format could not hold.
    private(set) var skipped = 0
    private var writer = JSONWriter(capacity: 1 << 16)
    private let hasher = DedupKey.Hasher()
    /// For a huge file: where each example's line and record wait.
    let spill: ExampleSpill?

    init(format: OutputFormat, split: DatasetSplit?, spill: ExampleSpill? = nil) {
        self.format = format
        self.split = split
        self.spill = spill
    }

    func add(_ example: Example, redactions: RedactionCounts) {
        guard var ready = Self.prepare(example, redactions: redactions, format: format, split: split, writer: &writer, hasher: hasher) else {
            skipped += 1
            return
        }
        if let spill {
            ready.spilled = spill.append(line: ready.line, record: ready.record)
            ready.line = []
            ready.record = []
        }
        prepared.append(ready)
    }

    /// The example hashed, formatted and encoded as a record; nil when the
    /// format cannot hold it.
    static func prepare(_ example: Example, redactions: RedactionCounts, format: OutputFormat, split: DatasetSplit?,
                        writer: inout JSONWriter, hasher: DedupKey.Hasher) -> PreparedExample? {
        var example = example
        // One reused writer for the canonical form, the record and the line;
        // what is kept is copied out at its exact size (a shared buffer
        // would be held, capacity and all, until written).
        // The canonical form is hashed, never kept: its large texts are
        // hashed where they lie rather than copied into the writer first.
        writer.reset()
        hasher.reset()
        example.writeCanonicalForm(to: &writer, largeTexts: hasher.update)
        writer.drain(into: hasher.update)
        let key = hasher.key
        let id = key.hex
        example.metadata.split = split?.part(ofID: id)
        writer.reset()
        // Split shards are not read in write order, so a record that needs
        // its shard line (a delta) cannot be used with them.
        ExampleRecord.write(example, id: id, besides: split == nil ? format : nil, to: &writer)
        let record = writer.bytes
        writer.reset()
        guard format.write(example, id: id, to: &writer) else { return nil }
        var names: [String] = []
        for case .assistant(_, let calls, _) in example.messages { names += calls.map(\.name) }
        return PreparedExample(key: key, line: writer.bytes, record: record, callNames: names,
                               lineStart: example.metadata.lineStart, redactions: redactions,
                               feedback: example.metadata.feedback, split: example.metadata.split)
    }
}
