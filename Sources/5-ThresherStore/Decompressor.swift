import CZlib
import CZstd

/// Reads a whole compressed shard back (`thresh verify`, `thresh export`):
/// a zstd stream (`ZSTD_decompressStream`) or a gzip member (`inflate`),
/// or the bytes as they are for `none`.
public enum Decompressor {
    public static func decompress(_ input: [UInt8], _ compression: Compression) throws -> [UInt8] {
        switch compression {
        case .none: return input
        case .zstd: return try zstd(input)
        case .gzip: return try gzip(input)
        }
    }

    /// The compression a shard name says it uses.
    public static func compression(ofShard name: String) -> Compression {
        if name.hasSuffix(Compression.zstd.fileSuffix) { return .zstd }
        if name.hasSuffix(Compression.gzip.fileSuffix) { return .gzip }
        return .none
    }

    static func zstd(_ input: [UInt8]) throws -> [UInt8] {
        guard let stream = ZSTD_createDStream() else { throw CompressionError(description: "ZSTD_createDStream failed") }
        defer { ZSTD_freeDStream(stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
        try input.withUnsafeBytes { source in
            var inBuffer = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
            var last = 0
            repeat {
                let produced = try chunk.withUnsafeMutableBytes { target -> Int in
                    var outBuffer = ZSTD_outBuffer(dst: target.baseAddress, size: target.count, pos: 0)
                    last = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
                    if ZSTD_isError(last) != 0 {
                        throw CompressionError(description: "zstd: " + String(cString: ZSTD_getErrorName(last)))
                    }
                    return outBuffer.pos
                }
                output += chunk[0..<produced]
                if inBuffer.pos == inBuffer.size && produced == 0 && last != 0 {
                    throw CompressionError(description: "zstd: truncated stream")
                }
            } while inBuffer.pos < inBuffer.size || last != 0
        }
        return output
    }

    static func gzip(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        guard czlib_inflate_init2(&stream, 15 + 16) == Z_OK else { throw CompressionError(description: "inflateInit2 failed") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = input
        try input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { target -> (Int32, Int) in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, target.count - Int(stream.avail_out))
                }
                output += chunk[0..<produced]
                if status == Z_STREAM_END { break }
                guard status == Z_OK || (status == Z_BUF_ERROR && produced > 0) else {
                    throw CompressionError(description: "gzip: inflate failed (\(status)): truncated or corrupt")
                }
            }
        }
        return output
    }
}
