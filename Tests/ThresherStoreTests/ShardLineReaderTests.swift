import Foundation
import TestSupport
import Testing
@testable import ThresherStore

/// Shards read as a stream give the lines a whole decompression gives,
/// across input blocks and output windows, and a cut shard is an error.
@Suite struct ShardLineReaderTests {
    /// Lines from empty to 700 KB (longer than a block and a window),
    /// blank lines between, the last without its newline.
    static func content() -> [UInt8] {
        var random = SeededRandom(state: 5)
        var bytes: [UInt8] = []
        for i in 0..<400 {
            let length = i % 97 == 0 ? 700_000 : random.below(3_000)
            bytes += (0..<length).map { _ in UInt8(0x41 + random.below(26)) }
            bytes.append(0x0A)
            if i % 50 == 0 { bytes.append(0x0A) }
        }
        bytes += Array("tail without newline".utf8)
        return bytes
    }

    static func write(_ bytes: [UInt8], _ compression: Compression, to path: String) throws {
        let compressor = try Compressor(compression, level: compression == .gzip ? 6 : 3)
        var out: [UInt8] = []
        // In pieces, as the shard writer feeds it.
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 50_000)
            out += try bytes[start..<end].withUnsafeBytes { try compressor.compress($0) }
            start = end
        }
        out += try compressor.compress(UnsafeRawBufferPointer(start: nil, count: 0), final: true)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(out)))
    }

    @Test(arguments: [Compression.zstd, .gzip, .none])
    func streamedLinesEqualTheWholeShardsLines(compression: Compression) throws {
        let dir = TemporaryDirectory()
        let bytes = Self.content()
        let path = dir.path + "/part-00000.jsonl" + compression.fileSuffix
        try Self.write(bytes, compression, to: path)
        let reader = try ShardLineReader(path: path, compression: compression)
        var lines: [[UInt8]] = []
        while let line = try reader.next() { lines.append(line) }
        let expected = bytes.split(separator: 0x0A).map(Array.init)
        #expect(lines.count == expected.count)
        let same = lines == expected
        #expect(same)
    }

    @Test(arguments: [Compression.zstd, .gzip])
    func aCutShardIsAnError(compression: Compression) throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/part-00000.jsonl" + compression.fileSuffix
        try Self.write(Self.content(), compression, to: path)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: path))
        let reader = try ShardLineReader(path: path, compression: compression)
        #expect(throws: CompressionError.self) { while try reader.next() != nil {} }
    }
}
