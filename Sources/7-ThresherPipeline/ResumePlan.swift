import ThresherScan
import ThresherState
import ThresherStore
import ThresherSystem

/// Which discovered files this run reads, and from where (SPEC §8): an
/// unchanged file is skipped without being opened; one that grew is read
/// from its cursor; one that shrank or whose first line changed is read
/// again from the start; a new one from the start.
struct ResumePlan {
    var tasks: [ScanTask] = []
    /// States of skipped files, carried into the next generation unchanged.
    var carried: [FileState] = []
    var unchanged = 0
    var resumed = 0
    var restarted = 0
    var new = 0

    init(files: [TranscriptFile], states: [String: FileState], settle: Double, now: Double) {
        for file in files {
            guard let state = states[file.path] else {
                new += 1
                // Fingerprinted by the worker that opens it (one open per file).
                tasks.append(ScanTask(file: file, start: 0, lineBase: 0, fingerprint: nil))
                continue
            }
            if state.isUnchanged(file) {
                let settledNow = settle <= 0 || now - file.modificationTime >= settle
                // A pending turn is read again once its file has settled.
                if !state.pending || !settledNow {
                    unchanged += 1
                    carried.append(state)
                    continue
                }
            }
            let fingerprint = Self.fingerprint(file)
            if file.size >= state.cursor && file.size >= state.size && fingerprint == state.fingerprint && !state.fingerprint.isEmpty {
                resumed += 1
                tasks.append(ScanTask(file: file, start: state.cursor, lineBase: state.line, fingerprint: fingerprint))
            } else {
                restarted += 1
                tasks.append(ScanTask(file: file, start: 0, lineBase: 0, fingerprint: fingerprint))
            }
        }
    }

    /// XXH3-128 of the file's first line (at most its first MiB); "" when the
    /// file has no complete first line yet or cannot be read.
    static func fingerprint(_ file: TranscriptFile) -> String {
        let path = file.path
        // Never blocks (a FIFO in the file's place) and reads only the file the walk found.
        guard let descriptor = try? FileDescriptor.openInput(path, followLinks: true) else { return "" }
        defer { descriptor.closeQuietly() }
        guard let info = try? descriptor.status(path: path), file.change(to: info) == nil else { return "" }
        return fingerprint(of: descriptor, path: path)
    }

    /// A fingerprint hashes at most this many bytes.
    static let fingerprintLimit = 1 << 20

    /// The fingerprint of the file open as `descriptor` (see `fingerprint`).
    static func fingerprint(of descriptor: FileDescriptor, path: String) -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var filled = 0
        while true {
            if filled == buffer.count {
                guard buffer.count < fingerprintLimit else { break }
                buffer += [UInt8](repeating: 0, count: buffer.count)
            }
            let got = buffer.withUnsafeMutableBytes { raw in
                (try? descriptor.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]), at: Int64(filled), path: path)) ?? 0
            }
            guard got > 0 else { return "" }
            if let newline = buffer[filled..<filled + got].firstIndex(of: 0x0A) {
                return DedupKey(hashing: Array(buffer[0...newline])).hex
            }
            filled += got
        }
        return DedupKey(hashing: buffer).hex
    }

    /// The fingerprint of a file whose first line, without its `\n`, is
    /// `line`, as `fingerprint(of:path:)` reads it; nil when the line is
    /// too long to settle it (only its first bytes are hashed then). Phase 1
    /// takes a new file's fingerprint from the line it parses, not a read
    /// of its own.
    static func fingerprint(firstLine line: UnsafeBufferPointer<UInt8>) -> String? {
        guard line.count < fingerprintLimit else { return nil }
        let hasher = DedupKey.Hasher()
        hasher.update(UnsafeRawBufferPointer(line))
        withUnsafeBytes(of: UInt8(0x0A)) { hasher.update($0) }
        return hasher.key.hex
    }
}
