import Foundation

/// One configuration's timed runs.
struct BenchResult {
    var name: String
    var reports: [ChildReport]

    var median: ChildReport {
        reports.sorted { $0.wallSeconds < $1.wallSeconds }[reports.count / 2]
    }

    var megabytesPerSecond: Double { median.bytes / 1e6 / median.wallSeconds }
}
