import ThresherSystem

/// Where a huge file's formatted examples wait for the file's end: an
/// unnamed scratch file in OUT's state folder, so they cost disk rather
/// than memory (a 3 GB session holds hundreds of MB of them). Appends go
/// through a buffer; the writer reads each example back once.
final class ExampleSpill {
    private let file: UnnamedFile
    private var buffer: [UInt8] = []
    /// Bytes already in the file.
    private var written: Int64 = 0
    /// The first write that failed: the file's examples cannot be trusted.
    private(set) var failure: SystemError?
    private static let bufferSize = 1 << 20

    init(in directory: String) throws(SystemError) {
        file = try UnnamedFile(in: directory)
        buffer.reserveCapacity(Self.bufferSize)
    }

    /// Appends `line` then `record`; returns where they can be read back.
    func append(line: [UInt8], record: [UInt8]) -> SpilledExample {
        let spilled = SpilledExample(file: file, offset: written + Int64(buffer.count),
                                     lineCount: line.count, recordCount: record.count)
        buffer += line
        buffer += record
        if buffer.count >= Self.bufferSize { flush() }
        return spilled
    }

    /// Writes what the buffer holds; call before the examples are read.
    func flush() {
        guard failure == nil, !buffer.isEmpty else { return }
        failure = buffer.withUnsafeBytes { bytes in
            do throws(SystemError) { try file.write(bytes, at: written) } catch { return error }
            return nil
        }
        written += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// An example's line and record, one after the other in a spill file.
struct SpilledExample: Sendable {
    let file: UnnamedFile
    let offset: Int64
    let lineCount: Int
    let recordCount: Int

    func read() throws(SystemError) -> (line: [UInt8], record: [UInt8]) {
        let bytes = try file.read(count: lineCount + recordCount, at: offset)
        return (Array(bytes[..<lineCount]), Array(bytes[lineCount...]))
    }
}
