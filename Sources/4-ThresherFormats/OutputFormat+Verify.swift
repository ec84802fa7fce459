import ThresherJSON

extension OutputFormat {
    /// What is wrong with one JSONL line of a shard in this format (SPEC §6),
    /// for `thresh verify`; `ids` collects the ids seen across the output.
    /// CSV shards are checked record by record instead (`CSVRecords`).
    public func problems(inLine bytes: [UInt8], ids: inout Set<String>) -> [String] {
        bytes.withUnsafeBufferPointer { buffer in
            var tape = JSONTape()
            do {
                try JSONParser.parse(buffer, into: &tape)
            } catch {
                return ["not JSON: \(error)"]
            }
            let line = ShardLine(tape: tape, buffer: buffer)
            guard line.kind(line.root) == .object else { return ["not a JSON object"] }
            guard let id = line.string(line.member(line.root, "id")) else { return ["no string id"] }
            var problems: [String] = []
            if !ids.insert(id).inserted { problems.append("duplicate id \(id)") }
            if line.kind(line.member(line.root, "metadata")) != .object { problems.append("no metadata object") }
            switch self {
            case .openai: problems += OpenAIFormat.problems(line, argumentsAsString: true)
            case .messages: problems += OpenAIFormat.problems(line, argumentsAsString: false)
            case .sharegpt: problems += ShareGPTFormat.problems(line)
            case .chatml: problems += ChatMLFormat.problems(line)
            case .alpaca: problems += AlpacaFormat.problems(line)
            case .unified: problems += UnifiedFormat.problems(line)
            case .csv: break
            }
            return problems
        }
    }
}
