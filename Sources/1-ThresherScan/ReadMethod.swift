/// How a byte range of a file is brought into memory.
public enum ReadMethod: String, Sendable, CaseIterable {
    /// `mmap` windows: no copy, but a file that shrinks under a mapping
    /// raises SIGBUS, so it is kept for files not modified recently.
    case mmap
    /// `pread` into a reused buffer: safe whatever happens to the file.
    case read
}
