import Foundation
import Synchronization
import ThresherSystem

/// A generated transcript on disk, with an old modification time set when
/// closed (real archives are mostly settled).
final class SynthFile {
    let file: OutputFile
    private(set) var written = 0

    init(path: String) throws {
        unlink(path)
        file = try OutputFile(creating: path)
    }

    func write(_ bytes: [UInt8]) throws {
        try file.write(bytes)
        written += bytes.count
    }

    func close() throws {
        try file.closeWithoutSync()
        var times = [timespec(tv_sec: 1_767_225_600, tv_nsec: 0), timespec(tv_sec: 1_767_225_600, tv_nsec: 0)]
        utimensat(AT_FDCWD, file.path, &times, 0)
    }
}
