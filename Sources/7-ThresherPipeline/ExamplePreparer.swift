import ThresherExtract
import ThresherState
import ThresherFormats
import ThresherJSON
import ThresherStore

/// Turns a file's examples into `PreparedExample`s on the worker that
/// assembled it, so the writer thread only dedups and compresses. One
/// writer and one hasher serve every example of the file.
///
/// A huge file's examples, and any big example, wait in a scratch file
/// (`ExampleSpill`) rather than in memory until the writer takes them:
/// their line and record go there straight from the writer's buffer.
final class ExamplePreparer {
    let format: OutputFormat
    let split: DatasetSplit?
    private(set) var prepared: [PreparedExample] = []
    /// Selected examples the format could not hold.
    private(set) var skipped = 0
    private var writer = JSONWriter(capacity: ExamplePreparer.writerCapacity)
    private let hasher = DedupKey.Hasher()
    /// Where examples wait, made on first use; nil until then, or when
    /// none could be made (then they wait in memory).
    private(set) var spill: ExampleSpill?
    private let spillDirectory: String?
    /// Every example waits in the spill (a huge file), not only big ones.
    private let spillsAll: Bool
    /// The index of the root the file was found under (kept in records).
    private let root: Int
    private var spillUnavailable = false

    /// An example whose line or record is bigger than this waits on disk.
    static let bigExample = 1 << 20
    private static let writerCapacity = 1 << 16

    /// `spillDirectory`: where a scratch file can be made; nil keeps
    /// every example in memory.
    init(format: OutputFormat, split: DatasetSplit?, root: Int = 0, spillDirectory: String? = nil, spillsAll: Bool = false) {
        self.format = format
        self.root = root
        self.split = split
        self.spillDirectory = spillDirectory
        self.spillsAll = spillsAll
    }

    func add(_ example: Example, redactions: RedactionCounts) {
        defer {
            // One big example must not keep its buffer for the rest of the file.
            writer.shrink(to: Self.writerCapacity)
        }
        var example = example
        let key = hashAndSplit(&example)
        let id = key.hex
        writer.reset()
        // Split shards are not read in write order, so a record that needs
        // its shard line (a delta) cannot be used with them.
        ExampleRecord.write(example, id: id, besides: split == nil ? format : nil, root: root, to: &writer)
        let record = keep(writer)
        writer.reset()
        guard format.write(example, id: id, to: &writer) else {
            skipped += 1
            return
        }
        let line = keep(writer)
        var names: [String] = []
        for case .assistant(_, let calls, _) in example.messages { names += calls.map(\.name) }
        prepared.append(PreparedExample(
            key: key, line: line.bytes, record: record.bytes, spilledLine: line.spilled, spilledRecord: record.spilled,
            callNames: names, lineStart: example.metadata.lineStart, redactions: redactions,
            feedback: example.metadata.feedback, split: example.metadata.split))
    }

    /// The dedup key of `example` (its canonical form hashed, never kept:
    /// large texts are hashed where they lie), and its split part set.
    private func hashAndSplit(_ example: inout Example) -> DedupKey {
        writer.reset()
        hasher.reset()
        example.writeCanonicalForm(to: &writer, largeTexts: hasher.update)
        writer.drain(into: hasher.update)
        let key = hasher.key
        example.metadata.split = split?.part(ofID: key.hex)
        return key
    }

    /// What `writer` holds, kept: copied out at its exact size (the buffer
    /// is reused), or written to the spill.
    private func keep(_ writer: borrowing JSONWriter) -> (bytes: [UInt8], spilled: SpilledBytes?) {
        if let spill = spillFor(size: writer.count) {
            return ([], writer.withBytes { spill.append(UnsafeRawBufferPointer($0)) })
        }
        return (writer.bytes, nil)
    }

    /// The spill, if `size` bytes should wait there.
    private func spillFor(size: Int) -> ExampleSpill? {
        guard spillsAll || size > Self.bigExample, let spillDirectory, !spillUnavailable else { return nil }
        if spill == nil {
            spill = try? ExampleSpill(in: spillDirectory)
            spillUnavailable = spill == nil
        }
        return spill
    }
}
