import Crypto
import Foundation
import TestSupport
import Testing
@testable import ThresherStore

/// Shards on disk: names, rollover, the `.partial` rule, and the facts the
/// manifest records about each shard.
@Suite struct ShardWriterTests {
    private func line(_ index: Int, length: Int = 100) -> [UInt8] {
        let body = "{\"n\":\(index),\"pad\":\"" + String(repeating: "x", count: max(0, length - 20)) + "\"}"
        return Array(body.utf8) + [0x0A]
    }

    private func contents(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }

    @Test(arguments: Compression.allCases)
    func shardsRollAtTheSizeAndHoldWhatWasWritten(compression: Compression) throws {
        let dir = TemporaryDirectory()
        let writer = ShardWriter(directory: dir.path, compression: compression, level: compression.defaultLevel,
                                 shardSize: 1_000, firstIndex: 3)
        let lines = (0..<25).map { line($0) }
        for line in lines { try writer.write(line: line) }
        let shards = try writer.finish()
        // 100-byte lines, 1 000 bytes a shard: ten lines each, the last five alone.
        #expect(shards.map(\.records) == [10, 10, 5])
        #expect(shards.map(\.name) == [3, 4, 5].map { ShardWriter.shardName(index: $0, compression: compression) })
        var joined: [UInt8] = []
        for shard in shards {
            let bytes = contents(dir.path + "/" + shard.name)
            #expect(Int64(bytes.count) == shard.bytes)
            #expect(SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() == shard.sha256)
            let plain = try Decompressor.decompress(bytes, compression)
            #expect(Int64(plain.count) == shard.uncompressedBytes)
            joined += plain
        }
        #expect(joined == lines.flatMap { $0 })
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.hasSuffix(".partial") })
    }

    @Test func aShardIsPartialUntilFinished() throws {
        let dir = TemporaryDirectory()
        let writer = ShardWriter(directory: dir.path, compression: .zstd, level: 3, shardSize: 1 << 20, firstIndex: 0)
        try writer.write(line: line(0))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["part-00000.jsonl.zst.partial"])
        _ = try writer.finish()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["part-00000.jsonl.zst"])
        let mode = try FileManager.default.attributesOfItem(atPath: dir.path + "/part-00000.jsonl.zst")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aLineLargerThanTheShardSizeGetsAShardOfItsOwn() throws {
        let dir = TemporaryDirectory()
        let writer = ShardWriter(directory: dir.path, compression: .none, level: 0, shardSize: 500, firstIndex: 0)
        try writer.write(line: line(0))
        try writer.write(line: line(1, length: 5_000))
        try writer.write(line: line(2))
        #expect(try writer.finish().map(\.records) == [1, 1, 1])
    }

    @Test func theHeaderStartsEveryShardAndIsNoRecord() throws {
        let dir = TemporaryDirectory()
        let header = Array("id,text\r\n".utf8)
        let writer = ShardWriter(directory: dir.path, compression: .none, level: 0, shardSize: 250, firstIndex: 0,
                                 fileExtension: "csv", header: header)
        for i in 0..<4 { try writer.write(line: line(i)) }
        let shards = try writer.finish()
        #expect(shards.map(\.records) == [2, 2])
        for shard in shards {
            #expect(shard.name.hasSuffix(".csv"))
            #expect(contents(dir.path + "/" + shard.name).starts(with: header))
        }
    }

    @Test func splitShardsLiveInTheirPartsFolder() throws {
        let dir = TemporaryDirectory()
        let writer = ShardWriter(directory: dir.path, compression: .gzip, level: 6, shardSize: 1 << 20, firstIndex: 2, split: "val")
        try writer.write(line: line(0))
        let shards = try writer.finish()
        #expect(shards.map(\.name) == ["val/part-00002.jsonl.gz"])
        #expect(try Decompressor.decompress(contents(dir.path + "/val/part-00002.jsonl.gz"), .gzip) == line(0))
    }

    @Test func finishingWithoutLinesWritesNothing() throws {
        let dir = TemporaryDirectory()
        let writer = ShardWriter(directory: dir.path, compression: .zstd, level: 3, shardSize: 100, firstIndex: 0)
        #expect(try writer.finish().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
