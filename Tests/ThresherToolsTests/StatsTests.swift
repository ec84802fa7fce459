import Foundation
import TestSupport
import Testing
@testable import ThresherExtract
@testable import ThresherPipeline
@testable import ThresherTools

/// `thresh stats`: counts read back from an OUT, and the HTML page as a
/// person sees it (headless Chromium, when installed).
struct StatsTests {
    static func dataset() throws -> ScanRun {
        var t = Transcript()
        t.turn("first", id: "a1")
        t.user("thanks, next")
        t.assistant("m2", [use("b1", "mcp__srv__x"), use("b2", "mcp__other__y"), use("b3", "Bash")])
        t.results([("b1", "boom", true), ("b2", "token=abcd1234efgh and me@corp.io", nil), ("b3", "ok", true)])
        t.assistant("a2", [text("done")])
        t.turn("no, wrong", tool: "mcp__srv__x", id: "c1")
        return try scan(t) { $0.split = try! DatasetSplit(parsing: "50,50") }
    }

    @Test func countsWhatTheDatasetHolds() throws {
        let run = try Self.dataset()
        let stats = try DatasetStats.read(output: run.out)
        #expect(stats.examples == 3)
        #expect(stats.perFeedback.map(\.1) == [1, 0, 1, 1])  // positive, neutral, negative, none
        #expect(stats.perSplit.reduce(0) { $0 + $1.1 } == 3)
        #expect(stats.perServer == [
            DatasetStats.Tally(name: "srv", calls: 3, errors: 1), DatasetStats.Tally(name: "other", calls: 1, errors: 0),
        ])
        #expect(stats.perTool.first { $0.name == "Bash" } == DatasetStats.Tally(name: "Bash", calls: 1, errors: 1))
        #expect(stats.calls.values == [1, 1, 3])
        #expect(stats.calls.percentile(50) == 1 && stats.calls.percentile(90) == 3 && stats.calls.max == 3)
        #expect(stats.messages.values == [4, 4, 6])
        #expect(stats.bytes.values == run.metadata.map { $0["bytes"] as! Int }.sorted())
        #expect(stats.redactions[.secretAssignment] == 1 && stats.redactions[.email] == 1)
        #expect(stats.perProject.map(\.0) == ["/work"] && stats.perMonth.map(\.0) == ["2026-01"])
        let json = try JSONSerialization.jsonObject(with: Data(stats.json())) as! [String: Any]
        #expect((json["per_mcp_server"] as! [String: [String: Any]])["srv"]?["errors"] as? Int == 1)
        #expect(stats.table().contains("srv"))
    }

    @Test func nearestRankPercentiles() {
        let d = DatasetStats.Distribution((1...100).map { $0 }, bounds: [0]) { _, _ in "" }
        #expect(d.percentile(50) == 50 && d.percentile(90) == 90 && d.percentile(99) == 99 && d.percentile(100) == 100)
        #expect(DatasetStats.Distribution([7], bounds: [0]) { _, _ in "" }.percentile(99) == 7)
    }

    @Test func thePageEscapesWhatItShows() {
        var stats = DatasetStats(output: "<script>alert(1)</script>")
        stats.perTool = [DatasetStats.Tally(name: "mcp__a__<b>", calls: 2, errors: 1)]
        let page = StatsPage.render(stats)
        #expect(!page.contains("<script>") && page.contains("&lt;script&gt;") && page.contains("mcp__a__&lt;b&gt;"))
        #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("<script"))
    }

    /// Rendered in headless Chromium: the screenshot exists and is not blank
    /// (many colours: bars, text, cards). Skipped without Chromium.
    @Test func thePageRendersInABrowser() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile),
              let python = ["/usr/bin/python3"].first(where: FileManager.default.isExecutableFile) else {
            print("StatsTests: chromium or python3 not installed, render check skipped")
            return
        }
        let run = try Self.dataset()
        let page = run.archive.path + "-out/stats.html", png = run.archive.path + "-out/stats.png"
        try Data(StatsPage.render(try DatasetStats.read(output: run.out)).utf8).write(to: URL(fileURLWithPath: page))
        let browser = Process()
        browser.executableURL = URL(fileURLWithPath: chromium)
        browser.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,900",
                             "--screenshot=" + png, "file://" + page]
        browser.standardOutput = FileHandle.nullDevice
        browser.standardError = FileHandle.nullDevice
        try browser.run()
        browser.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: png))
        // Distinct colours in the screenshot, decoded by a few lines of Python (zlib only).
        let count = Process()
        count.executableURL = URL(fileURLWithPath: python)
        count.arguments = ["-c", Self.colourCounter, png]
        let output = Pipe()
        count.standardOutput = output
        try count.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        count.waitUntilExit()
        let colours = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(colours > 50, "the screenshot has \(colours) colours: blank?")
    }

    static let colourCounter = """
    import sys, zlib, struct
    data = open(sys.argv[1], 'rb').read()
    pos, idat, width, height, kind = 8, b'', 0, 0, 0
    while pos < len(data):
        length, tag = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if tag == b'IHDR': width, height, depth, kind = struct.unpack('>IIBB', body[:10])
        if tag == b'IDAT': idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    bpp = {2: 3, 6: 4}[kind]
    stride = width * bpp
    prev = bytearray(stride)
    colours = set()
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 4 == 0:
            for x in range(0, width, 2): colours.add(bytes(line[x * bpp:x * bpp + 3]))
        prev = line
    print(len(colours))
    """
}
