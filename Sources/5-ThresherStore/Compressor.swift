import CZlib
import CZstd

public struct CompressionError: Error, CustomStringConvertible {
    public var description: String
}

/// One compressed stream (a shard's whole content). Owns its C context and
/// frees it in `deinit`; `finish` ends the stream so stock `zstd -d` /
/// `gzip -d` read it whole.
public final class Compressor {
    public let compression: Compression
    private var zstd: OpaquePointer?
    private var zlib = z_stream()
    private var output: [UInt8] = []
    /// Reused between calls: one C output window.
    private var scratch: [UInt8]

    /// libzstd's compression threads per zstd stream (see `init`).
    public static let zstdWorkers: Int32 = 1

    /// `zstdWorkers` 0 compresses on the caller's thread (other bytes than
    /// shards have; `thresh bench` times libzstd that way).
    public init(_ compression: Compression, level: Int, zstdWorkers: Int32 = Compressor.zstdWorkers) throws {
        self.compression = compression
        scratch = [UInt8](repeating: 0, count: compression == .zstd ? ZSTD_CStreamOutSize() : 1 << 16)
        switch compression {
        case .zstd:
            guard let context = ZSTD_createCCtx() else { throw CompressionError(description: "ZSTD_createCCtx failed") }
            zstd = context
            try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level)))
            try check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1))
            // One libzstd worker thread compresses while the caller (the
            // single writer) goes on deduplicating: compression leaves the
            // critical path. Streaming output is the same for any number of
            // workers from 1 up, so it is fixed, never tied to --jobs (0
            // would give other bytes). A libzstd built without threads
            // refuses the parameter and compresses on the caller's thread.
            if zstdWorkers > 0 { _ = ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, zstdWorkers) }
        case .gzip:
            // windowBits 15 + 16: a gzip wrapper rather than raw zlib.
            let status = czlib_deflate_init2(&zlib, Int32(level), 15 + 16)
            guard status == Z_OK else { throw CompressionError(description: "deflateInit2 failed: \(status)") }
        case .none:
            break
        }
        output.reserveCapacity(1 << 17)
    }

    deinit {
        if let zstd { ZSTD_freeCCtx(zstd) }
        if compression == .gzip { deflateEnd(&zlib) }
    }

    private func check(_ code: Int) throws {
        if ZSTD_isError(code) != 0 {
            throw CompressionError(description: "zstd: " + String(cString: ZSTD_getErrorName(code)))
        }
    }

    /// Compresses `input`; returns the compressed bytes produced so far
    /// (possibly none). With `final`, ends the stream.
    public func compress(_ input: UnsafeRawBufferPointer, final: Bool = false) throws -> [UInt8] {
        output.removeAll(keepingCapacity: true)
        switch compression {
        case .none:
            output.append(contentsOf: input)
        case .zstd:
            try zstdCompress(input, final: final)
        case .gzip:
            try gzipCompress(input, final: final)
        }
        return output
    }

    private func zstdCompress(_ input: UnsafeRawBufferPointer, final: Bool) throws {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while true {
            let (remaining, produced) = try scratch.withUnsafeMutableBytes { out -> (Int, Int) in
                var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                let remaining = ZSTD_compressStream2(zstd, &outBuffer, &inBuffer, final ? ZSTD_e_end : ZSTD_e_continue)
                try check(remaining)
                return (remaining, outBuffer.pos)
            }
            output.append(contentsOf: scratch[0..<produced])
            let done = final ? remaining == 0 : inBuffer.pos == inBuffer.size
            if done { break }
        }
    }

    private func gzipCompress(_ input: UnsafeRawBufferPointer, final: Bool) throws {
        let chunk = scratch.count
        zlib.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        zlib.avail_in = uInt(input.count)
        while true {
            let (status, produced) = scratch.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                zlib.next_out = out.baseAddress
                zlib.avail_out = uInt(out.count)
                let status = deflate(&zlib, final ? Z_FINISH : Z_NO_FLUSH)
                return (status, out.count - Int(zlib.avail_out))
            }
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw CompressionError(description: "deflate failed: \(status)")
            }
            output.append(contentsOf: scratch[0..<produced])
            if final ? status == Z_STREAM_END : (zlib.avail_in == 0 && produced < chunk) { break }
        }
        zlib.next_in = nil
    }
}
