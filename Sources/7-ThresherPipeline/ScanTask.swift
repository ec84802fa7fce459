import ThresherScan
import ThresherSystem

/// One transcript to read in this run, and from where.
struct ScanTask: Sendable {
    var file: TranscriptFile
    /// 0, or the committed cursor (a line start).
    var start: Int64
    /// Lines before `start`.
    var lineBase: Int
    /// Hash of the first line, recorded in the new state; nil: taken when
    /// the file is opened for reading (a new file needs none to be planned).
    var fingerprint: String?
}
