import Foundation
import ThresherPipeline
import ThresherTools

/// The live progress line on stderr: files, bytes done of total, MB/s, ETA.
/// Redrawn in place on a terminal (at most 5 times a second); one line per
/// second otherwise (with --progress).
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let overwrite: Bool
    private var lastDraw = -1.0
    private var drawn = false

    init(enabled: Bool, overwrite: Bool) {
        self.enabled = enabled
        self.overwrite = overwrite
    }

    func update(_ p: ScanProgress) {
        guard enabled else { return }
        let interval = overwrite ? 0.2 : 1.0
        guard p.seconds - lastDraw >= interval || p.filesDone == p.filesTotal else { return }
        lastDraw = p.seconds
        let rate = p.seconds > 0 ? Double(p.bytesDone) / 1e6 / p.seconds : 0
        let left = rate > 0 ? Double(p.bytesTotal - p.bytesDone) / 1e6 / rate : 0
        let line = String(format: "thresh: %d/%d files, %.0f/%.0f MB, %.0f MB/s, ETA %.0f s",
                          p.filesDone, p.filesTotal, Double(p.bytesDone) / 1e6, Double(p.bytesTotal) / 1e6, rate, left)
        FileHandle.standardError.write(Data((overwrite ? "\r\u{1B}[K" + line : line + "\n").utf8))
        drawn = true
    }

    /// Clears the line so the summary starts on a clean one.
    func finish() {
        guard enabled, drawn, overwrite else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
