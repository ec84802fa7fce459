import ThresherSystem

/// How far a run is: files and bytes of this run's reading done so far.
public struct ScanProgress: Sendable {
    public var filesDone: Int
    public var filesTotal: Int
    public var bytesDone: Int64
    public var bytesTotal: Int64
    public var seconds: Double
}
