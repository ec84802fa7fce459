import Foundation
import ThresherExtract
import ThresherJSON

extension DatasetStats {
    /// The machine-readable form (`thresh stats --json`).
    public func json() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("output"); w.string(output)
        w.key("format"); w.string(format)
        w.key("examples"); w.int(examples)
        w.key("calls"); w.int(totalCalls)
        w.key("tool_errors"); w.int(totalErrors)
        w.key("estimated_tokens"); w.int(estimatedTokens)
        w.key("per_split"); w.counts(perSplit)
        w.key("per_feedback"); w.counts(perFeedback)
        w.key("per_mcp_server"); Self.tallies(&w, perServer)
        w.key("per_tool"); Self.tallies(&w, perTool)
        w.key("per_project"); w.counts(perProject)
        w.key("per_model"); w.counts(perModel)
        w.key("per_month"); w.counts(perMonth)
        w.key("bytes"); Self.distribution(&w, bytes)
        w.key("calls_per_example"); Self.distribution(&w, calls)
        w.key("messages_per_example"); Self.distribution(&w, messages)
        w.key("redactions")
        w.beginObject()
        for rule in RedactionRule.allCases {
            w.key(named: rule.name); w.int(redactions[rule])
        }
        w.endObject()
        w.endObject()
        w.newline()
        return w.bytes
    }

    private static func tallies(_ w: inout JSONWriter, _ tallies: [Tally]) {
        w.beginObject()
        for tally in tallies {
            w.key(named: tally.name)
            w.beginObject()
            w.key("calls"); w.int(tally.calls)
            w.key("errors"); w.int(tally.errors)
            w.key("error_rate"); w.double((tally.errorRate * 10000).rounded() / 10000)
            w.endObject()
        }
        w.endObject()
    }

    private static func distribution(_ w: inout JSONWriter, _ d: Distribution) {
        w.beginObject()
        w.key("min"); w.int(d.min)
        w.key("median"); w.int(d.percentile(50))
        w.key("p90"); w.int(d.percentile(90))
        w.key("p99"); w.int(d.percentile(99))
        w.key("max"); w.int(d.max)
        w.key("histogram")
        w.beginArray()
        for bucket in d.histogram {
            w.beginObject()
            w.key("bucket"); w.string(bucket.label)
            w.key("examples"); w.int(bucket.count)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    /// The human tables (`thresh stats`).
    public func table() -> String {
        var out: [String] = []
        let rate = totalCalls > 0 ? String(format: "%.1f%%", 100 * Double(totalErrors) / Double(totalCalls)) : "-"
        out.append("\(output): \(examples) examples (\(format)), \(totalCalls) calls, \(totalErrors) failed (\(rate)), ~\(estimatedTokens) tokens (bytes / 4)")
        if !perSplit.isEmpty { out.append("split: " + perSplit.map { "\($0.0) \($0.1)" }.joined(separator: ", ")) }
        out.append("feedback: " + perFeedback.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
        out.append("")
        out += Self.tallyTable("MCP server", perServer)
        out.append("")
        out += Self.tallyTable("tool", perTool)
        out.append("")
        out += Self.countTable("project (cwd)", perProject)
        out.append("")
        out += Self.countTable("model", perModel)
        out.append("")
        out += Self.countTable("month", perMonth)
        out.append("")
        out.append(Self.row(["per example", "min", "median", "p90", "p99", "max"], [14, 8, 8, 8, 8, 8]))
        for (name, d) in [("bytes", bytes), ("est. tokens", nil), ("calls", calls), ("messages", messages)] as [(String, Distribution?)] {
            let values: [Int]
            if let d {
                values = [d.min, d.percentile(50), d.percentile(90), d.percentile(99), d.max]
            } else {
                values = [bytes.min, bytes.percentile(50), bytes.percentile(90), bytes.percentile(99), bytes.max].map { $0 / 4 }
            }
            out.append(Self.row([name] + values.map(String.init), [14, 8, 8, 8, 8, 8]))
        }
        out.append("")
        out.append("size histogram: " + bytes.histogram.filter { $0.count > 0 }.map { "\($0.label) \($0.count)" }.joined(separator: ", "))
        let redacted = RedactionRule.allCases.filter { redactions[$0] > 0 }
        out.append("redactions: " + (redacted.isEmpty ? "none found" : redacted.map { "\($0.name) \(redactions[$0])" }.joined(separator: ", ")))
        return out.joined(separator: "\n")
    }

    private static func tallyTable(_ title: String, _ tallies: [Tally]) -> [String] {
        let width = max(title.count, tallies.map(\.name.count).max() ?? 0) + 2
        var lines = [row([title, "calls", "errors", "error rate"], [width, 8, 8, 12])]
        if tallies.isEmpty { lines.append("  (none)") }
        for tally in tallies {
            lines.append(row([tally.name, String(tally.calls), String(tally.errors), String(format: "%.1f%%", tally.errorRate * 100)],
                             [width, 8, 8, 12]))
        }
        return lines
    }

    private static func countTable(_ title: String, _ pairs: [(String, Int)]) -> [String] {
        let width = max(title.count, pairs.map(\.0.count).max() ?? 0) + 2
        return [row([title, "examples"], [width, 9])] + pairs.map { row([$0.0, String($0.1)], [width, 9]) }
    }

    /// The first column left-aligned, the others right-aligned.
    private static func row(_ cells: [String], _ widths: [Int]) -> String {
        cells.enumerated().map { index, cell in
            let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
            return index == 0 ? cell + pad : pad + cell
        }.joined()
    }
}
