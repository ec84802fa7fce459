import SystemPackage

/// An error from a system call, with the operation and the path it concerned.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var code: Int32

    public init(_ operation: String, path: String, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public init(_ operation: String, path: String, errno: Errno) {
        self.init(operation, path: path, code: errno.rawValue)
    }

    public var errorNumber: Errno { Errno(rawValue: code) }

    public var message: String { String(cString: strerror(code)) }

    public var description: String { "\(path): \(operation) failed: \(message)" }

    /// Runs a swift-system call, naming the operation and path if it fails.
    @inline(__always)
    public static func attempt<T>(_ operation: String, path: String, _ call: () throws -> T) throws(SystemError) -> T {
        do {
            return try call()
        } catch let error as Errno {
            throw SystemError(operation, path: path, errno: error)
        } catch {
            throw SystemError(operation, path: path, code: EIO)
        }
    }
}
