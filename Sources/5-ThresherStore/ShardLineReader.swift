import CZlib
import CZstd
import ThresherSystem

/// The lines of one shard file (zstd, gzip or plain) read as a stream:
/// the file a block at a time, decompressed a window at a time, so memory
/// holds a few hundred KB and the longest line, whatever the shard's size
/// (`thresh merge` and `thresh export` read every shard of an output).
/// Empty lines are skipped; lines come without their newline.
public final class ShardLineReader {
    private let path: String
    private let compression: Compression
    private let descriptor: FileDescriptor
    private var fileOffset: Int64 = 0
    private var input = [UInt8](repeating: 0, count: 1 << 18)
    private var inputStart = 0
    private var inputEnd = 0
    private var fileEnded = false
    /// Decompressed bytes not handed out yet, from `pendingStart`.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var searchedTo = 0
    private var streamEnded = false
    private var zstd: OpaquePointer?
    private var zlib = z_stream()
    private var output = [UInt8](repeating: 0, count: 1 << 17)
    /// The decoder filled its output window last time: it may hold more
    /// without being given input.
    private var decoderHasMore = false

    public init(path: String, compression: Compression) throws {
        self.path = path
        self.compression = compression
        descriptor = try FileDescriptor.openForReading(path)
        switch compression {
        case .zstd:
            guard let stream = ZSTD_createDStream() else { throw CompressionError(description: "ZSTD_createDStream failed") }
            zstd = stream
        case .gzip:
            guard czlib_inflate_init2(&zlib, 15 + 16) == Z_OK else { throw CompressionError(description: "inflateInit2 failed") }
        case .none:
            break
        }
    }

    deinit {
        descriptor.closeQuietly()
        if let zstd { ZSTD_freeDStream(zstd) }
        if compression == .gzip { inflateEnd(&zlib) }
    }

    /// The next non-empty line, or nil at the end of the shard.
    public func next() throws -> [UInt8]? {
        while true {
            if let newline = newline(from: searchedTo) {
                let line = Array(pending[pendingStart..<newline])
                pendingStart = newline + 1
                searchedTo = pendingStart
                if !line.isEmpty { return line }
                continue
            }
            searchedTo = pending.count
            // Drop what was handed out before growing the pending bytes.
            if pendingStart > 0 {
                pending.removeFirst(pendingStart)
                searchedTo -= pendingStart
                pendingStart = 0
            }
            guard try decompressMore() else {
                // The last line, without a newline.
                let tail = pending
                pending = []
                searchedTo = 0
                return tail.isEmpty ? nil : tail
            }
        }
    }

    /// The first `\n` in `pending` at or after `start` (`memchr`).
    private func newline(from start: Int) -> Int? {
        pending.withUnsafeBufferPointer { buffer in
            guard start < buffer.count, let base = buffer.baseAddress,
                  let hit = memchr(base + start, 0x0A, buffer.count - start) else { return nil }
            return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        }
    }

    /// Appends more decompressed bytes to `pending`; false at the end.
    private func decompressMore() throws -> Bool {
        while !streamEnded {
            if inputStart == inputEnd && !decoderHasMore {
                guard try fill() else {
                    guard compression == .none else {
                        throw CompressionError(description: "\(path): truncated \(compression) stream")
                    }
                    streamEnded = true
                    return false
                }
            }
            let before = pending.count
            switch compression {
            case .none:
                pending += input[inputStart..<inputEnd]
                inputStart = inputEnd
            case .zstd:
                try zstdStep()
            case .gzip:
                try gzipStep()
            }
            if pending.count > before { return true }
        }
        return false
    }

    /// Reads the next block of the file; false at its end.
    private func fill() throws -> Bool {
        guard !fileEnded else { return false }
        let got = try input.withUnsafeMutableBytes { try descriptor.read(into: $0, at: fileOffset, path: path) }
        if got == 0 {
            fileEnded = true
            return false
        }
        fileOffset += Int64(got)
        inputStart = 0
        inputEnd = got
        return true
    }

    private func zstdStep() throws {
        let (consumed, produced, remaining) = try input.withUnsafeBytes { source in
            try output.withUnsafeMutableBytes { target -> (Int, Int, Int) in
                var inBuffer = ZSTD_inBuffer(src: source.baseAddress! + inputStart, size: inputEnd - inputStart, pos: 0)
                var outBuffer = ZSTD_outBuffer(dst: target.baseAddress, size: target.count, pos: 0)
                let remaining = ZSTD_decompressStream(zstd, &outBuffer, &inBuffer)
                if ZSTD_isError(remaining) != 0 {
                    throw CompressionError(description: "\(path): zstd: " + String(cString: ZSTD_getErrorName(remaining)))
                }
                return (inBuffer.pos, outBuffer.pos, remaining)
            }
        }
        inputStart += consumed
        pending += output[0..<produced]
        decoderHasMore = produced == output.count
        // A frame ended with all input used: the shard's stream is done
        // unless the file holds another frame (read too).
        if remaining == 0, !decoderHasMore, inputStart == inputEnd, try !fill() { streamEnded = true }
    }

    private func gzipStep() throws {
        let (status, consumed, produced) = input.withUnsafeMutableBytes { source in
            output.withUnsafeMutableBytes { target -> (Int32, Int, Int) in
                zlib.next_in = source.baseAddress!.assumingMemoryBound(to: Bytef.self) + inputStart
                zlib.avail_in = uInt(inputEnd - inputStart)
                zlib.next_out = target.baseAddress!.assumingMemoryBound(to: Bytef.self)
                zlib.avail_out = uInt(target.count)
                let status = inflate(&zlib, Z_NO_FLUSH)
                return (status, inputEnd - inputStart - Int(zlib.avail_in), target.count - Int(zlib.avail_out))
            }
        }
        inputStart += consumed
        pending += output[0..<produced]
        decoderHasMore = produced == output.count
        if status == Z_STREAM_END {
            streamEnded = true
        } else if status != Z_OK && !(status == Z_BUF_ERROR && (produced > 0 || consumed > 0)) {
            throw CompressionError(description: "\(path): gzip: inflate failed (\(status)): truncated or corrupt")
        }
    }
}
