import ThresherFormats
import Crypto
import Foundation
import ThresherExtract
import ThresherJSON
import ThresherState
import ThresherStore

/// `thresh verify OUT`: everything a trainer would trip over, checked from
/// the files alone: the manifest (shards, sizes, SHA-256, counts), every line
/// valid UTF-8 JSON, ids unique across OUT, and the rules of the format.
public struct OutputVerifier {
    public struct Report: Sendable {
        public var shards = 0
        public var examples = 0
        /// `shard:line: rule` (or `shard: problem`), in shard and line order.
        public var problems: [String] = []
        public var ok: Bool { problems.isEmpty }
    }

    public static func verify(output: String) throws -> Report {
        guard let (manifest, _) = try OutputFolder.peek(path: output) else { throw OutputStatus.NotAnOutput(path: output) }
        guard let format = OutputFormat(rawValue: manifest.format) else {
            throw OutputStatus.NotAnOutput(path: output + " (unknown format \(manifest.format))")
        }
        var report = Report()
        var ids = Set<String>()
        let listed = Set(manifest.shards.map(\.name))
        let present = OutputFolder.shardFiles(output + "/shards")
        for name in present.sorted() where !listed.contains(name) {
            report.problems.append("shards/\(name): not listed in the manifest")
        }
        for shard in manifest.shards {
            report.shards += 1
            let path = output + "/shards/" + shard.name
            guard let data = FileManager.default.contents(atPath: path) else {
                report.problems.append("shards/\(shard.name): missing")
                continue
            }
            let bytes = Array(data)
            if Int64(bytes.count) != shard.bytes {
                report.problems.append("shards/\(shard.name): \(bytes.count) bytes, the manifest says \(shard.bytes)")
            }
            let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            if digest != shard.sha256 { report.problems.append("shards/\(shard.name): SHA-256 differs from the manifest") }
            let plain: [UInt8]
            do {
                plain = try Decompressor.decompress(bytes, Decompressor.compression(ofShard: shard.name))
            } catch {
                report.problems.append("shards/\(shard.name): cannot decompress: \(error)")
                continue
            }
            if format == .csv {
                let records = CSVRecords.split(plain)
                if records.first.map({ Array($0.joined(separator: ",").utf8) + [0x0D, 0x0A] }) != format.shardHeader {
                    report.problems.append("shards/\(shard.name):1: not the CSV header")
                }
                for (index, fields) in records.enumerated().dropFirst() {
                    if fields.count != CSVRecords.columns { report.problems.append("shards/\(shard.name): record \(index): \(fields.count) fields, not \(CSVRecords.columns)") }
                    if !ids.insert(fields[0]).inserted { report.problems.append("shards/\(shard.name): record \(index): duplicate id \(fields[0])") }
                }
                if max(0, records.count - 1) != shard.records {
                    report.problems.append("shards/\(shard.name): \(max(0, records.count - 1)) records, the manifest says \(shard.records)")
                }
                report.examples += max(0, records.count - 1)
                continue
            }
            var lines = plain.split(separator: 0x0A, omittingEmptySubsequences: false)
            if lines.last?.isEmpty == true { lines.removeLast() } else { report.problems.append("shards/\(shard.name): last line has no newline") }
            var records = 0
            for (index, line) in lines.enumerated() {
                let location = "shards/\(shard.name):\(index + 1)"
                guard String(validating: line, as: UTF8.self) != nil else {
                    report.problems.append("\(location): not valid UTF-8")
                    continue
                }
                records += 1
                for problem in FormatRules.check(Array(line), format: format, ids: &ids) {
                    report.problems.append("\(location): \(problem)")
                }
            }
            if records != shard.records {
                report.problems.append("shards/\(shard.name): \(records) records, the manifest says \(shard.records)")
            }
            report.examples += records
        }
        // The example records `thresh export` reads: present and intact.
        for shard in manifest.recordShards {
            let path = output + "/state/model/" + shard.name
            guard let data = FileManager.default.contents(atPath: path) else {
                report.problems.append("state/model/\(shard.name): missing")
                continue
            }
            if SHA256.hash(data: data).map({ String(format: "%02x", $0) }).joined() != shard.sha256 {
                report.problems.append("state/model/\(shard.name): SHA-256 differs from the manifest")
            }
        }
        if report.examples != manifest.examples && report.problems.isEmpty {
            report.problems.append("manifest.json: \(manifest.examples) examples listed, \(report.examples) found")
        }
        return report
    }
}

/// The rules one line of each JSONL format must follow.
enum FormatRules {
    /// OpenAI: function names of at most 64 characters of [A-Za-z0-9_-].
    static func isValidFunctionName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2D
        }
    }

    static func check(_ line: [UInt8], format: OutputFormat, ids: inout Set<String>) -> [String] {
        line.withUnsafeBufferPointer { buffer in
            var tape = JSONTape()
            do {
                try JSONParser.parse(buffer, into: &tape)
            } catch {
                return ["not JSON: \(error)"]
            }
            let root = tape.root
            guard tape[root].kind == .object else { return ["not a JSON object"] }
            var problems: [String] = []
            func member(_ object: Int, _ key: StaticString) -> Int? { tape.member(of: object, key, in: buffer) }
            func string(_ index: Int?) -> String? {
                guard let index, tape[index].kind == .string else { return nil }
                return tape.decodeString(index, in: buffer)
            }
            guard let id = string(member(root, "id")) else { return ["no string id"] }
            if !ids.insert(id).inserted { problems.append("duplicate id \(id)") }
            if member(root, "metadata").map({ tape[$0].kind }) != .object { problems.append("no metadata object") }
            switch format {
            case .openai, .messages:
                problems += messageRules(tape, buffer, root, argumentsAsString: format == .openai)
            case .sharegpt:
                problems += shareGPTRules(tape, buffer, root)
            case .chatml:
                if string(member(root, "text")) == nil { problems.append("no text") }
            case .alpaca:
                if string(member(root, "instruction")) == nil { problems.append("no instruction") }
                if string(member(root, "input")) == nil { problems.append("no input") }
                if string(member(root, "output")) == nil { problems.append("no output") }
            case .unified:
                if member(root, "tool_calls").map({ tape[$0].kind }) != .array { problems.append("no tool_calls array") }
                if string(member(root, "response_text")) == nil { problems.append("no response_text") }
            case .csv:
                break
            }
            return problems
        }
    }

    static func messageRules(_ tape: JSONTape, _ buffer: UnsafeBufferPointer<UInt8>, _ root: Int, argumentsAsString: Bool) -> [String] {
        guard let messages = tape.member(of: root, "messages", in: buffer), tape[messages].kind == .array else { return ["no messages array"] }
        var problems: [String] = []
        var open: [String: Int] = [:]
        var seenCallIDs = Set<String>()
        for (position, message) in tape.elements(of: messages).enumerated() {
            let at = "message \(position)"
            guard tape[message].kind == .object, let roleIndex = tape.member(of: message, "role", in: buffer),
                  tape[roleIndex].kind == .string else {
                problems.append("\(at): no role")
                continue
            }
            let role = tape.decodeString(roleIndex, in: buffer)
            if position == 0 && role != "user" { problems.append("\(at): the first message is \(role), not user") }
            switch role {
            case "user":
                if tape.member(of: message, "content", in: buffer).map({ tape[$0].kind }) != .string { problems.append("\(at): user content is not a string") }
            case "assistant":
                let content = tape.member(of: message, "content", in: buffer).map { tape[$0].kind }
                if content != .string && content != .null { problems.append("\(at): assistant content is neither a string nor null") }
                guard let calls = tape.member(of: message, "tool_calls", in: buffer) else { continue }
                guard tape[calls].kind == .array else {
                    problems.append("\(at): tool_calls is not an array")
                    continue
                }
                for call in tape.elements(of: calls) {
                    guard tape[call].kind == .object, let id = tape.member(of: call, "id", in: buffer), tape[id].kind == .string,
                          let function = tape.member(of: call, "function", in: buffer), tape[function].kind == .object,
                          let name = tape.member(of: function, "name", in: buffer), tape[name].kind == .string,
                          let arguments = tape.member(of: function, "arguments", in: buffer) else {
                        problems.append("\(at): a tool call lacks id, function, name or arguments")
                        continue
                    }
                    if tape.member(of: call, "type", in: buffer).map({ tape.stringEquals($0, "function", in: buffer) }) != true {
                        problems.append("\(at): tool call type is not \"function\"")
                    }
                    let functionName = tape.decodeString(name, in: buffer)
                    if argumentsAsString && !isValidFunctionName(functionName) {
                        problems.append("\(at): function name \(functionName) is not 1-64 characters of [A-Za-z0-9_-] (OpenAI rejects it)")
                    }
                    if argumentsAsString {
                        if tape[arguments].kind != .string {
                            problems.append("\(at): arguments is not a JSON string")
                        } else {
                            let text = tape.decodedBytes(arguments, in: buffer)
                            var inner = JSONTape()
                            let parses = text.withUnsafeBufferPointer { (try? JSONParser.parse($0, into: &inner)) != nil }
                            if !parses { problems.append("\(at): arguments do not parse as JSON") }
                        }
                    }
                    let callID = tape.decodeString(id, in: buffer)
                    // SPEC §6: call ids are unique within an example.
                    if !seenCallIDs.insert(callID).inserted { problems.append("\(at): call id \(callID) repeats an earlier call's") }
                    open[callID, default: 0] += 1
                }
            case "tool":
                guard let callID = tape.member(of: message, "tool_call_id", in: buffer), tape[callID].kind == .string else {
                    problems.append("\(at): tool message without tool_call_id")
                    continue
                }
                let id = tape.decodeString(callID, in: buffer)
                if open[id, default: 0] > 0 {
                    open[id]! -= 1
                } else {
                    problems.append("\(at): tool_call_id \(id) answers no earlier call")
                }
                if tape.member(of: message, "content", in: buffer).map({ tape[$0].kind }) != .string { problems.append("\(at): tool content is not a string") }
            default:
                problems.append("\(at): unknown role \(role)")
            }
        }
        return problems
    }

    static func shareGPTRules(_ tape: JSONTape, _ buffer: UnsafeBufferPointer<UInt8>, _ root: Int) -> [String] {
        guard let turns = tape.member(of: root, "conversations", in: buffer), tape[turns].kind == .array else { return ["no conversations array"] }
        let froms: [String] = tape.elements(of: turns).map { turn in
            guard tape[turn].kind == .object, let from = tape.member(of: turn, "from", in: buffer), tape[from].kind == .string,
                  let value = tape.member(of: turn, "value", in: buffer), tape[value].kind == .string else { return "?" }
            return tape.decodeString(from, in: buffer)
        }
        // human, (function_call observation)*, gpt
        guard froms.count >= 2, froms.first == "human", froms.last == "gpt", froms.count % 2 == 0 else {
            return ["conversation does not alternate strictly: \(froms.joined(separator: ","))"]
        }
        for index in stride(from: 1, to: froms.count - 1, by: 2) where froms[index] != "function_call" || froms[index + 1] != "observation" {
            return ["conversation does not alternate strictly: \(froms.joined(separator: ","))"]
        }
        return []
    }
}

/// RFC 4180 records: fields split at commas and records at CRLF, both only
/// outside double quotes; `""` inside quotes is one quote.
enum CSVRecords {
    static let columns = OutputFormat.csvColumnCount

    static func split(_ bytes: [UInt8]) -> [[String]] {
        var records: [[String]] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == 0x22 {
                    if i + 1 < bytes.count && bytes[i + 1] == 0x22 {
                        field.append(0x22)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(b)
                }
            } else if b == 0x22 {
                quoted = true
            } else if b == UInt8(ascii: ",") {
                fields.append(String(decoding: field, as: UTF8.self))
                field = []
            } else if b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A {
                fields.append(String(decoding: field, as: UTF8.self))
                records.append(fields)
                fields = []
                field = []
                i += 1
            } else {
                field.append(b)
            }
            i += 1
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(String(decoding: field, as: UTF8.self))
            records.append(fields)
        }
        return records
    }
}
