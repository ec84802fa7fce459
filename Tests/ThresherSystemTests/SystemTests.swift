import Foundation
import TestSupport
import Testing
@testable import ThresherSystem

/// The system layer: descriptors, owner-only files, the mapping guard's slots.
@Suite(.serialized) struct SystemTests {
    @Test func readFullyStopsShortOnlyAtTheEndOfTheFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.write("f", Array(0..<200).map { UInt8($0) })
        let descriptor = try FileDescriptor.openForReading(path)
        defer { descriptor.closeQuietly() }
        var buffer = [UInt8](repeating: 0, count: 150)
        let whole = try buffer.withUnsafeMutableBytes { try descriptor.readFully(into: $0, at: 10, path: path) }
        #expect(whole == 150)
        #expect(buffer.first == 10 && buffer.last == 159)
        let tail = try buffer.withUnsafeMutableBytes { try descriptor.readFully(into: $0, at: 120, path: path) }
        #expect(tail == 80)
        #expect(try descriptor.readToEnd(path: path).count == 200)
    }

    @Test func anUnnamedFileReadsBackWhatWasWrittenAndLeavesNoName() throws {
        let dir = TemporaryDirectory()
        let file = try UnnamedFile(in: dir.path)
        try [UInt8]("world".utf8).withUnsafeBytes { try file.write($0, at: 6) }
        try [UInt8]("hello ".utf8).withUnsafeBytes { try file.write($0, at: 0) }
        #expect(String(decoding: try file.read(count: 11, at: 0), as: UTF8.self) == "hello world")
        #expect(try file.read(count: 3, at: 6) == Array("wor".utf8))
        // Past its end is an error, not a short read.
        #expect(throws: SystemError.self) { try file.read(count: 6, at: 6) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        #expect(throws: SystemError.self) { try UnnamedFile(in: dir.path + "/missing") }
    }

    @Test func aFailedOpenNamesTheOperationAndThePath() {
        do {
            _ = try FileDescriptor.openForReading("/nonexistent/thresh")
            Issue.record("opened a missing file")
        } catch {
            #expect(error.errorNumber == .noSuchFileOrDirectory)
            #expect(error.description == "/nonexistent/thresh: open failed: No such file or directory")
        }
    }

    @Test func outputFilesAreOwnerOnlyAndAtomicallyReplaced() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/a/b/file.json"
        try Directory.makeAll(dir.path + "/a/b")
        try OutputFile.writeAtomically(Array("one".utf8), to: path)
        try OutputFile.writeAtomically(Array("two".utf8), to: path)
        #expect(FileManager.default.contents(atPath: path) == Data("two".utf8))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
        for (file, mode) in [(path, 0o600), (dir.path + "/a/b", 0o700), (dir.path + "/a", 0o700)] {
            #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == mode, "\(file)")
        }
        #expect(throws: SystemError.self) { try OutputFile(creating: path) }  // exists: O_EXCL
    }

    @Test func anInjectedWriteErrorFailsTheWriteNamingThePath() throws {
        let dir = TemporaryDirectory()
        let removeFault = WriteFaults.inject { $0 == dir.path + "/full" ? ENOSPC : nil }
        defer { removeFault() }
        let file = try OutputFile(creating: dir.path + "/full")
        do {
            try file.write(Array("x".utf8))
            Issue.record("the write succeeded")
        } catch {
            #expect(error.code == ENOSPC)
            #expect(error.path == dir.path + "/full")
        }
    }

    /// Tests run side by side each inject their own faults: removing one
    /// rule leaves the others.
    @Test func injectedWriteErrorsOfOneTestLeaveAnothersInPlace() throws {
        let dir = TemporaryDirectory()
        let removeFull = WriteFaults.inject { $0 == dir.path + "/full" ? ENOSPC : nil }
        defer { removeFull() }
        let removeBroken = WriteFaults.inject { $0 == dir.path + "/broken" ? EIO : nil }
        #expect(WriteFaults.error(writing: dir.path + "/broken") == EIO)
        removeBroken()
        removeBroken()
        #expect(WriteFaults.error(writing: dir.path + "/broken") == nil)
        #expect(WriteFaults.error(writing: dir.path + "/full") == ENOSPC)
        #expect(throws: SystemError.self) { try OutputFile(creating: dir.path + "/full").write(Array("x".utf8)) }
        try OutputFile(creating: dir.path + "/fine").write(Array("x".utf8))
    }

    /// Whether a slot can be claimed now (it is released at once).
    private func canClaim() -> Bool {
        switch MappingGuard.claimSlot() {
        case .some: true
        case .none: false
        }
    }

    @Test func mappingGuardSlotsRunOutAndComeBack() throws {
        // Claiming ends (claimSlot said nil) within the slot count, and
        // slots are free again once released.
        let taken = withEveryMappingSlotTaken {}
        #expect(taken > 0 && taken <= MappingGuard.slotCount)
        #expect(canClaim())
    }

    @Test func timestampsAreRFC3339InUTC() {
        #expect(UTCTime.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(UTCTime.iso8601(1_796_241_156.9) == "2026-12-02T19:52:36Z")
        #expect(abs(UTCTime.now - Date().timeIntervalSince1970) < 5)
    }
}
