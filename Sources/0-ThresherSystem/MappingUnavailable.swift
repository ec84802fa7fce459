import SystemPackage

/// Mapping a file failed (some file systems cannot map): read it instead.
public struct MappingUnavailable: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var code: Int32

    public init(path: String, code: Int32) {
        self.path = path
        self.code = code
    }

    public var description: String { "\(path): mmap failed: \(String(cString: strerror(code)))" }
}
