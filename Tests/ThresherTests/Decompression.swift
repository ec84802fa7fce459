import CZlib
import CZstd

/// Test-side decompression of whole shards by file name.
func decompress(_ bytes: [UInt8], name: String) throws -> [UInt8] {
    if name.hasSuffix(".zst") { return try zstdDecompress(bytes) }
    if name.hasSuffix(".gz") { return try gunzip(bytes) }
    return bytes
}

func zstdDecompress(_ input: [UInt8]) throws -> [UInt8] {
    guard let stream = ZSTD_createDStream() else { throw Failure("ZSTD_createDStream") }
    defer { ZSTD_freeDStream(stream) }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    try input.withUnsafeBytes { src in
        var inBuffer = ZSTD_inBuffer(src: src.baseAddress, size: src.count, pos: 0)
        while true {
            var last = 0
            let produced = try chunk.withUnsafeMutableBytes { dst -> Int in
                var outBuffer = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                last = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
                if ZSTD_isError(last) != 0 { throw Failure("zstd: " + String(cString: ZSTD_getErrorName(last))) }
                return outBuffer.pos
            }
            output += chunk[0..<produced]
            let consumed = inBuffer.pos == inBuffer.size
            if consumed && last == 0 { break }
            if consumed && produced == 0 { throw Failure("truncated zstd stream") }
        }
    }
    return output
}

func gunzip(_ input: [UInt8]) throws -> [UInt8] {
    var stream = z_stream()
    guard czlib_inflate_init2(&stream, 15 + 16) == Z_OK else { throw Failure("inflateInit2") }
    defer { inflateEnd(&stream) }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var input = input
    try input.withUnsafeMutableBufferPointer { src in
        stream.next_in = src.baseAddress
        stream.avail_in = uInt(src.count)
        while true {
            let (status, produced) = chunk.withUnsafeMutableBufferPointer { dst -> (Int32, Int) in
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(dst.count)
                let status = inflate(&stream, Z_NO_FLUSH)
                return (status, dst.count - Int(stream.avail_out))
            }
            output += chunk[0..<produced]
            if status == Z_STREAM_END { break }
            guard status == Z_OK else { throw Failure("inflate: \(status)") }
        }
    }
    return output
}
