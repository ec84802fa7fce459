import Foundation
import ThresherSystem

/// A fresh temporary folder, removed when the value is released.
public final class TemporaryDirectory {
    public let path: String

    public init() {
        var template = Array("/tmp/thresh-test-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    /// Removes the folder and the output folders tests put beside it.
    deinit {
        for suffix in ["", "-out", "-clean"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Writes `bytes` at a path relative to this folder, creating folders.
    @discardableResult
    public func write(_ relative: String, _ bytes: [UInt8], modified: Date? = Date(timeIntervalSinceNow: -3600)) -> String {
        let full = path + "/" + relative
        try! FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: full, contents: Data(bytes))
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
