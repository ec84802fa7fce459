import Foundation
import ThresherStore

/// The compression floor: libzstd alone, at the scan's level, compressing
/// the lines a scan writes (read from an uncompressed scan's shards; the
/// bench's is unredacted, a few bytes per secret off), on one thread. Each
/// shard line is compressed once whatever the scan does, so with the parse
/// ceiling it bounds the scan from below: at least (ceiling CPU + this) /
/// cores of wall time.
enum CompressionFloor {
    struct Run {
        /// Shard line bytes compressed.
        var bytes: Int64
        /// CPU seconds libzstd took for them (the reads not counted).
        var seconds: Double

        /// 0 when there was nothing to compress (an archive without examples).
        var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1e6 / seconds : 0 }
    }

    /// Compresses every `.jsonl` file under `shards` at `level`, in 4 MiB
    /// pieces, timing only the compression with this thread's CPU clock.
    static func measure(shards: String, level: Int) throws -> Run {
        let names = try FileManager.default.subpathsOfDirectory(atPath: shards).filter { $0.hasSuffix(".jsonl") }.sorted()
        var run = Run(bytes: 0, seconds: 0)
        var piece = [UInt8](repeating: 0, count: 4 << 20)
        for name in names {
            guard let file = FileHandle(forReadingAtPath: shards + "/" + name) else {
                throw RunFailed(description: "\(shards)/\(name): cannot be opened")
            }
            defer { try? file.close() }
            let compressor = try Compressor(.zstd, level: level, zstdWorkers: 0)
            while true {
                let got = piece.withUnsafeMutableBytes { read(file.fileDescriptor, $0.baseAddress!, $0.count) }
                guard got >= 0 else { throw RunFailed(description: "\(name): read failed: \(String(cString: strerror(errno)))") }
                let started = threadCPUSeconds()
                _ = try piece.withUnsafeBytes { try compressor.compress(UnsafeRawBufferPointer(rebasing: $0[0..<got]), final: got == 0) }
                run.seconds += threadCPUSeconds() - started
                run.bytes += Int64(got)
                if got == 0 { break }
            }
        }
        return run
    }

    private static func threadCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
