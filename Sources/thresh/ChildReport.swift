import Foundation
import ThresherJSON

/// The numbers `thresh bench` reads from one child `thresh scan --json`.
struct ChildReport {
    var wallSeconds: Double
    var bytes: Double
    var lines: Double
    var malformed: Double
    var examples: Double
    var peakMemory: Double
    var cpuSeconds: Double
    /// CPU time over wall time: how many cores the scan kept busy.
    var coresBusy: Double { wallSeconds > 0 ? cpuSeconds / wallSeconds : 0 }
    var stages: [(String, Double)]

    /// The numeric members of a JSON object.
    static func topLevelNumbers(_ json: [UInt8]) throws -> [String: Double] {
        try json.withUnsafeBufferPointer { buffer in
            var tape = JSONTape()
            try JSONParser.parse(buffer, into: &tape)
            var numbers: [String: Double] = [:]
            for (key, value) in tape.members(of: tape.root) where tape[value].kind == .number {
                numbers[tape.decodeString(key, in: buffer)] = Double(tape.canonicalString(value, in: buffer))
            }
            return numbers
        }
    }

    init(json: [UInt8]) throws {
        let values = try json.withUnsafeBufferPointer { buffer -> (numbers: [String: Double], stages: [(String, Double)]) in
            var tape = JSONTape()
            try JSONParser.parse(buffer, into: &tape)
            var numbers: [String: Double] = [:]
            var stages: [(String, Double)] = []
            for (key, value) in tape.members(of: tape.root) {
                let name = tape.decodeString(key, in: buffer)
                if tape[value].kind == .number {
                    numbers[name] = Double(tape.canonicalString(value, in: buffer))
                } else if name == "stage_seconds", tape[value].kind == .object {
                    for (stage, seconds) in tape.members(of: value) {
                        stages.append((tape.decodeString(stage, in: buffer), Double(tape.canonicalString(seconds, in: buffer)) ?? 0))
                    }
                }
            }
            return (numbers, stages)
        }
        func number(_ key: String) -> Double { values.numbers[key] ?? 0 }
        wallSeconds = number("wall_seconds")
        bytes = number("bytes")
        lines = number("lines")
        malformed = number("malformed")
        examples = number("examples_written")
        peakMemory = number("peak_memory_bytes")
        cpuSeconds = number("cpu_seconds")
        stages = values.stages
    }
}
