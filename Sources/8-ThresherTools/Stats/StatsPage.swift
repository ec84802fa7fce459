import Foundation
import ThresherExtract

/// `thresh stats --html`: one self-contained page (inline CSS and SVG; no
/// script, font or network request) showing a dataset at a glance.
public enum StatsPage {
    public static func render(_ stats: DatasetStats) -> String {
        let rate = stats.totalCalls > 0 ? percent(Double(stats.totalErrors) / Double(stats.totalCalls)) : "–"
        var cards = [
            ("examples", grouped(stats.examples)), ("calls", grouped(stats.totalCalls)), ("failed calls", rate),
            ("est. tokens", compact(stats.estimatedTokens)), ("secrets redacted", grouped(stats.redactions.total)),
        ]
        if !stats.perSplit.isEmpty {
            cards.append((stats.perSplit.map(\.0).joined(separator: " · "), stats.perSplit.map { compact($0.1) }.joined(separator: " · ")))
        }
        var sections: [String] = []
        sections.append(section("Calls per MCP server", "bar length: calls; red: failed calls",
                                errorBars(stats.perServer.prefix(20))))
        sections.append(section("Calls per tool", stats.perTool.count > 25 ? "the 25 most called of \(stats.perTool.count)" : "bar length: calls; red: failed calls",
                                errorBars(stats.perTool.prefix(25))))
        sections.append(section("Example size", "content bytes per example (tokens ≈ bytes / 4)",
                                columns(stats.bytes.histogram.map { ($0.label, $0.count) }, color: "#4f6bd8")))
        sections.append(section("Examples per month", "by the month the turn started",
                                columns(stats.perMonth, color: "#2f9e8f")))
        sections.append(section("Feedback", "what the user said next", feedbackBars(stats.perFeedback)))
        sections.append(section("Per example", "nearest-rank percentiles", distributionTable(stats)))
        sections.append(section("Projects", "examples per working directory", countTable(stats.perProject.prefix(15), "project")))
        sections.append(section("Models", "examples per model", countTable(stats.perModel.prefix(10), "model")))
        if stats.redactions.total > 0 {
            let rows = RedactionRule.allCases.filter { stats.redactions[$0] > 0 }.map { ($0.name, stats.redactions[$0]) }
            sections.append(section("Redactions", "secrets replaced, per rule", countTable(rows[...], "rule", "replaced")))
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>thresh stats — \(escape(stats.output))</title>
        <style>
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #f4f5f8; color: #1d2230; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
        main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 48px; }
        header h1 { font-size: 22px; margin: 0 0 4px; letter-spacing: -0.01em; }
        header p { margin: 0 0 20px; color: #5b6275; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-bottom: 20px; }
        .card { background: #fff; border-radius: 10px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(20,30,60,.08); }
        .card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .card .value.long { font-size: 18px; line-height: 36px; }
        .card .label { color: #5b6275; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(500px, 1fr)); gap: 16px; }
        section { background: #fff; border-radius: 10px; padding: 16px 18px; box-shadow: 0 1px 2px rgba(20,30,60,.08); overflow: hidden; }
        section h2 { font-size: 15px; margin: 0; }
        section p.note { margin: 2px 0 12px; color: #6b7286; font-size: 12px; }
        svg { display: block; width: 100%; height: auto; }
        svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; fill: #1d2230; }
        svg text.muted { fill: #6b7286; }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        th, td { padding: 5px 8px; border-bottom: 1px solid #eceef3; text-align: right; }
        th:first-child, td:first-child { text-align: left; overflow-wrap: anywhere; }
        th { color: #5b6275; font-weight: 600; font-size: 12px; }
        .empty { color: #8a90a2; font-style: italic; }
        footer { margin-top: 24px; color: #8a90a2; font-size: 12px; }
        </style></head>
        <body><main>
        <header><h1>\(escape(stats.output))</h1><p>\(grouped(stats.examples)) examples in \(escape(stats.format)) format, read by <code>thresh stats</code></p></header>
        <div class="cards">\(cards.map { "<div class=\"card\"><div class=\"value\($0.1.count > 7 ? " long" : "")\">\(escape($0.1))</div><div class=\"label\">\(escape($0.0))</div></div>" }.joined())</div>
        <div class="grid">
        \(sections.joined(separator: "\n"))
        </div>
        <footer>Generated by thresh. Self-contained: no scripts, fonts or network requests.</footer>
        </main></body></html>

        """
    }

    private static func section(_ title: String, _ note: String, _ body: String) -> String {
        "<section><h2>\(escape(title))</h2><p class=\"note\">\(escape(note))</p>\(body)</section>"
    }

    /// Horizontal bars: calls, with the failed part in red and the rate on the right.
    private static func errorBars(_ tallies: ArraySlice<DatasetStats.Tally>) -> String {
        guard !tallies.isEmpty else { return "<p class=\"empty\">none</p>" }
        let width = 520.0, labelWidth = 190.0, valueWidth = 110.0, row = 24.0
        let barSpace = width - labelWidth - valueWidth
        let most = Double(tallies.map(\.calls).max() ?? 1)
        var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(row * Double(tallies.count) + 4))\" role=\"img\">"
        for (index, tally) in tallies.enumerated() {
            let y = Double(index) * row + 2
            let length = max(2, barSpace * Double(tally.calls) / most)
            let failed = length * tally.errorRate
            svg += "<text x=\"0\" y=\"\(y + 16)\">\(escape(truncate(tally.name, 28)))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(fmt(length))\" height=\"16\" rx=\"3\" fill=\"#4f6bd8\"/>"
            if tally.errors > 0 {
                svg += "<rect x=\"\(fmt(labelWidth + length - failed))\" y=\"\(y + 4)\" width=\"\(fmt(max(1.5, failed)))\" height=\"16\" fill=\"#e0524a\"/>"
            }
            let label = "\(grouped(tally.calls))" + (tally.errors > 0 ? " · \(percent(tally.errorRate)) failed" : "")
            svg += "<text class=\"muted\" x=\"\(fmt(labelWidth + length + 6))\" y=\"\(y + 16)\">\(escape(label))</text>"
        }
        return svg + "<title>calls per name</title></svg>"
    }

    /// Vertical bars with the count above each and the label below.
    private static func columns(_ all: [(String, Int)], color: String) -> String {
        // Empty buckets at either end say nothing.
        guard let first = all.firstIndex(where: { $0.1 > 0 }), let last = all.lastIndex(where: { $0.1 > 0 }) else {
            return "<p class=\"empty\">none</p>"
        }
        let items = Array(all[first...last])
        let width = 520.0, height = 190.0, top = 18.0, bottom = 40.0
        let slot = width / Double(items.count)
        let most = Double(items.map(\.1).max() ?? 1)
        var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">"
        svg += "<line x1=\"0\" y1=\"\(height - bottom)\" x2=\"\(width)\" y2=\"\(height - bottom)\" stroke=\"#d5d8e0\"/>"
        for (index, (label, count)) in items.enumerated() {
            let barHeight = count > 0 ? max(2, (height - top - bottom) * Double(count) / most) : 0
            let x = Double(index) * slot
            let barWidth = max(2, slot * 0.7)
            svg += "<rect x=\"\(fmt(x + (slot - barWidth) / 2))\" y=\"\(fmt(height - bottom - barHeight))\" width=\"\(fmt(barWidth))\" height=\"\(fmt(barHeight))\" rx=\"2\" fill=\"\(color)\"/>"
            if count > 0 {
                svg += "<text class=\"muted\" text-anchor=\"middle\" x=\"\(fmt(x + slot / 2))\" y=\"\(fmt(height - bottom - barHeight - 4))\">\(compact(count))</text>"
            }
            let rotate = items.count > 8 ? " transform=\"rotate(-35 \(fmt(x + slot / 2)) \(fmt(height - bottom + 14)))\"" : ""
            let anchor = items.count > 8 ? "end" : "middle"
            svg += "<text text-anchor=\"\(anchor)\" x=\"\(fmt(x + slot / 2))\" y=\"\(fmt(height - bottom + 14))\"\(rotate)>\(escape(label))</text>"
        }
        return svg + "</svg>"
    }

    private static func feedbackBars(_ counts: [(String, Int)]) -> String {
        let colors = ["positive": "#2f9e5b", "neutral": "#8a90a2", "negative": "#e0524a", "none": "#c9cdd8"]
        let total = max(1, counts.reduce(0) { $0 + $1.1 })
        let width = 520.0, row = 26.0
        var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(row * Double(counts.count) + 4))\" role=\"img\">"
        for (index, (name, count)) in counts.enumerated() {
            let y = Double(index) * row + 2
            let length = max(count > 0 ? 2 : 0, (width - 200) * Double(count) / Double(total))
            svg += "<text x=\"0\" y=\"\(y + 17)\">\(escape(name == "none" ? "none (no next prompt)" : name))</text>"
            svg += "<rect x=\"150\" y=\"\(y + 5)\" width=\"\(fmt(length))\" height=\"16\" rx=\"3\" fill=\"\(colors[name] ?? "#4f6bd8")\"/>"
            svg += "<text class=\"muted\" x=\"\(fmt(156 + length))\" y=\"\(y + 17)\">\(grouped(count)) (\(percent(Double(count) / Double(total))))</text>"
        }
        return svg + "</svg>"
    }

    private static func distributionTable(_ stats: DatasetStats) -> String {
        var html = "<table><tr><th></th><th>min</th><th>median</th><th>p90</th><th>p99</th><th>max</th></tr>"
        let rows: [(String, DatasetStats.Distribution, Int)] = [
            ("bytes", stats.bytes, 1), ("est. tokens", stats.bytes, 4), ("calls", stats.calls, 1), ("messages", stats.messages, 1),
        ]
        for (name, d, divisor) in rows {
            let values = [d.min, d.percentile(50), d.percentile(90), d.percentile(99), d.max].map { grouped($0 / divisor) }
            html += "<tr><td>\(name)</td>" + values.map { "<td>\($0)</td>" }.joined() + "</tr>"
        }
        return html + "</table>"
    }

    private static func countTable(_ rows: ArraySlice<(String, Int)>, _ title: String, _ counted: String = "examples") -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">none</p>" }
        return "<table><tr><th>\(title)</th><th>\(counted)</th></tr>"
            + rows.map { "<tr><td>\(escape($0.0))</td><td>\(grouped($0.1))</td></tr>" }.joined() + "</table>"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    private static func truncate(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }

    /// 12 345 with thin-space grouping.
    private static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (index, c) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "\u{202F}" }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// 1.2k, 3.4M.
    private static func compact(_ n: Int) -> String {
        if n >= 1_000_000 { return String(format: "%.1fM", Double(n) / 1e6) }
        if n >= 10_000 { return String(format: "%.0fk", Double(n) / 1e3) }
        if n >= 1_000 { return String(format: "%.1fk", Double(n) / 1e3) }
        return String(n)
    }
}
