import ThresherJSON
import ThresherSystem

/// `OUT/state/files-GEN.json`: the cursors of one committed run. A new
/// generation is written beside the old one and becomes current only when
/// the manifest names it, so a crash never leaves cursors ahead of shards.
public enum FileStateStore {
    public static func fileName(generation: Int) -> String { "files-\(generation).json" }

    public static func encode(_ states: [FileState], generation: Int) -> [UInt8] {
        var w = JSONWriter(capacity: 256 * states.count + 64)
        w.beginObject()
        w.key("thresh_state"); w.int(1)
        w.key("generation"); w.int(generation)
        w.key("files")
        w.beginArray()
        for state in states {
            w.beginObject()
            w.key("path"); w.string(state.path)
            w.key("size"); w.int(Int(state.size))
            w.key("mtime"); w.double(state.modificationTime)
            w.key("device"); w.string(String(state.device))
            w.key("inode"); w.string(String(state.inode))
            w.key("fingerprint"); w.string(state.fingerprint)
            w.key("cursor"); w.int(Int(state.cursor))
            w.key("line"); w.int(state.line)
            w.key("pending"); w.bool(state.pending)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        w.newline()
        return w.bytes
    }

    public struct ReadError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): unreadable resume state (\(reason)); use --full to start afresh" }
    }

    public static func decode(_ bytes: [UInt8], path: String) throws -> [FileState] {
        try bytes.withUnsafeBufferPointer { buffer in
            var tape = JSONTape()
            do {
                try JSONParser.parse(buffer, into: &tape)
            } catch {
                throw ReadError(path: path, reason: "\(error)")
            }
            guard tape[tape.root].kind == .object,
                  let files = tape.member(of: tape.root, "files", in: buffer), tape[files].kind == .array else {
                throw ReadError(path: path, reason: "no files list")
            }
            func text(_ object: Int, _ key: StaticString) throws -> String {
                guard let index = tape.member(of: object, key, in: buffer) else { throw ReadError(path: path, reason: "missing \(key)") }
                return tape[index].kind == .string ? tape.decodeString(index, in: buffer) : tape.canonicalString(index, in: buffer)
            }
            return try tape.elements(of: files).map { entry in
                guard let size = Int64(try text(entry, "size")), let mtime = Double(try text(entry, "mtime")),
                      let device = UInt64(try text(entry, "device")), let inode = UInt64(try text(entry, "inode")),
                      let cursor = Int64(try text(entry, "cursor")), let line = Int(try text(entry, "line")) else {
                    throw ReadError(path: path, reason: "bad file entry")
                }
                return FileState(path: try text(entry, "path"), size: size, modificationTime: mtime, device: device,
                                 inode: inode, fingerprint: try text(entry, "fingerprint"), cursor: cursor, line: line,
                                 pending: try text(entry, "pending") == "true")
            }
        }
    }
}
