import Foundation
import Synchronization
import ThresherPipeline

/// The live progress line on stderr: files, bytes done of total, MB/s, ETA.
/// Redrawn in place on a terminal (at most 5 times a second); one line per
/// second otherwise (with --progress).
final class ProgressLine: Sendable {
    private let enabled: Bool
    private let overwrite: Bool
    /// When the line was last drawn, and whether it was at all.
    private let drawState = Mutex((lastDraw: -1.0, drawn: false))

    init(enabled: Bool, overwrite: Bool) {
        self.enabled = enabled
        self.overwrite = overwrite
    }

    func update(_ p: ScanProgress) {
        guard enabled else { return }
        let interval = overwrite ? 0.2 : 1.0
        let due = drawState.withLock { state in
            guard p.seconds - state.lastDraw >= interval || p.filesDone == p.filesTotal else { return false }
            state = (p.seconds, true)
            return true
        }
        guard due else { return }
        let rate = p.seconds > 0 ? Double(p.bytesDone) / 1e6 / p.seconds : 0
        let left = rate > 0 ? Double(p.bytesTotal - p.bytesDone) / 1e6 / rate : 0
        let line = String(format: "thresh: %d/%d files, %.0f/%.0f MB, %.0f MB/s, ETA %.0f s",
                          p.filesDone, p.filesTotal, Double(p.bytesDone) / 1e6, Double(p.bytesTotal) / 1e6, rate, left)
        FileHandle.standardError.write(Data((overwrite ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }

    /// Clears the line so the summary starts on a clean one.
    func finish() {
        guard enabled, overwrite, drawState.withLock({ $0.drawn }) else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
