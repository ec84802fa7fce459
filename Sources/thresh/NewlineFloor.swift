import Foundation
import Synchronization

/// The floor: the same files read and their newlines counted with memchr,
/// in this process, on all cores. Nothing can scan faster than this.
enum NewlineFloor {
    static func measure(root: String, threads: Int) throws -> ReferenceRun {
        try ReferencePass.run(root: root, threads: threads) { fd, _, buffer in
            var count = ReferencePass.Count()
            while true {
                let got = read(fd, buffer.baseAddress!, buffer.count)
                if got <= 0 { break }
                count.bytes += Int64(got)
                var at = buffer.baseAddress!
                var left = got
                while left > 0, let hit = memchr(at, 0x0A, left) {
                    count.lines += 1
                    left -= hit - at + 1
                    at = hit + 1
                }
            }
            return count
        }
    }
}
