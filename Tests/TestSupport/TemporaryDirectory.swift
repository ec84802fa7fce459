import Foundation
import Synchronization
import ThresherSystem

/// A fresh temporary folder, removed when the value is released, or when
/// the test process exits for one held by a `static let` (never released).
public final class TemporaryDirectory {
    public let path: String

    public init() {
        var template = Array("/tmp/thresh-test-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        Self.live.withLock { live in
            if !live.exitHookInstalled { atexit { TemporaryDirectory.removeLive() } }
            live.exitHookInstalled = true
            live.paths.insert(path)
        }
    }

    deinit {
        Self.live.withLock { _ = $0.paths.remove(path) }
        Self.remove(path)
    }

    /// The folders not released yet, removed at exit.
    private static let live = Mutex<(paths: Set<String>, exitHookInstalled: Bool)>(([], false))

    private static func removeLive() {
        for path in live.withLock({ $0.paths }) { remove(path) }
    }

    /// Removes the folder and every folder tests put beside it under its name
    /// plus a suffix (`…-out`, `…-final`, `…-part0`), and what thresh puts
    /// beside those (`.…-out.thresh-full`, a killed `--full` run's staging).
    private static func remove(_ path: String) {
        let parent = (path as NSString).deletingLastPathComponent
        let siblingPrefix = (path as NSString).lastPathComponent + "-"
        try? FileManager.default.removeItem(atPath: path)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        where name.hasPrefix(siblingPrefix) || name.hasPrefix("." + siblingPrefix) {
            try? FileManager.default.removeItem(atPath: parent + "/" + name)
        }
    }

    /// Writes `bytes` at a path relative to this folder, creating folders.
    @discardableResult
    public func write(_ relative: String, _ bytes: [UInt8], modified: Date? = Date(timeIntervalSinceNow: -3600)) -> String {
        let full = path + "/" + relative
        try! FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        precondition(FileManager.default.createFile(atPath: full, contents: Data(bytes)), "cannot create \(full)")
        if let modified { try! FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: full) }
        return full
    }

    @discardableResult
    public func write(_ relative: String, _ text: String, modified: Date? = Date(timeIntervalSinceNow: -3600)) -> String {
        write(relative, Array(text.utf8), modified: modified)
    }

    /// Rewrites an existing file in place (same inode), as a program that
    /// appends to or truncates a transcript does; `write` replaces the file.
    public func overwrite(_ relative: String, _ text: String) {
        let fd = open(path + "/" + relative, O_WRONLY | O_TRUNC)
        precondition(fd >= 0, "cannot open \(relative)")
        let descriptor = FileDescriptor(rawValue: fd)
        defer { descriptor.closeQuietly() }
        try! descriptor.writeAll(Array(text.utf8), path: relative)
    }
}

/// Opens a file for reading in a test.
public func openForReading(_ path: String) -> Int32 {
    let fd = open(path, O_RDONLY)
    precondition(fd >= 0, "cannot open \(path)")
    return fd
}
