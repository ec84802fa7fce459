import Foundation

/// The system calls of one untimed `thresh scan` of the bench's archive,
/// counted by `strace -c -f` where it is installed: per file read, the
/// total and each call. Per-file costs (opens, stats, reads, lock waits)
/// are what a real archive of thousands of small sessions pays for.
struct SyscallCount {
    var files: Int
    var total: Int
    /// Calls by name, most first.
    var calls: [(name: String, count: Int)]

    var perFile: Double { files > 0 ? Double(total) / Double(files) : 0 }

    /// nil when strace is missing or the traced run fails.
    static func measure(archive: String, out: String, arguments: [String]) -> SyscallCount? {
        guard let strace = ["/usr/bin/strace", "/bin/strace"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return nil
        }
        let summary = out + "-strace.txt"
        defer { try? FileManager.default.removeItem(atPath: summary) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: strace)
        process.arguments = ["-f", "-c", "-o", summary, URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
                             "scan", archive, "-o", out, "--full", "--quiet"] + arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let text = try? String(contentsOfFile: summary, encoding: .utf8),
              let report = FileManager.default.contents(atPath: out + "/report.json"),
              let files = (try? ChildReport.topLevelNumbers(Array(report)))?["files_read"] else { return nil }
        let (total, calls) = parse(text)
        return SyscallCount(files: Int(files), total: total, calls: calls)
    }

    /// `strace -c`'s table: a row per call (`% time seconds usecs/call calls
    /// [errors] syscall`), then `total`.
    static func parse(_ text: String) -> (total: Int, calls: [(name: String, count: Int)]) {
        var total = 0
        var calls: [(name: String, count: Int)] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5, let name = fields.last, Double(fields[0]) != nil, let count = Int(fields[3]) else { continue }
            if name == "total" { total = count } else { calls.append((String(name), count)) }
        }
        return (total, calls.sorted { $0.count > $1.count })
    }
}
