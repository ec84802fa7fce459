import Foundation
import TestSupport
import Testing
@testable import ThresherExtract
@testable import ThresherFormats
@testable import ThresherPipeline
import ThresherState
@testable import ThresherTools

/// SPEC v1.2's signals, filters, split and call ids (§6, §10), end to end.
struct SignalTests {
    // MARK: - Feedback

    @Test(arguments: [
        ("Thanks!", Feedback.positive), ("thank you so much", .positive), ("LGTM", .positive), ("ty", .positive),
        ("great job, next please", .positive), ("It works now, thanks", .positive), ("works", .positive),
        ("no", .negative), ("No, use the other one", .negative), ("nope.", .negative), ("Still failing here", .negative),
        ("That\u{2019}s wrong", .negative), ("thats not it", .negative), ("why did you delete it", .negative),
        ("it is not working", .negative), ("perfect but it doesn't work", .negative), ("the result is wrong", .negative),
        ("Stop", .negative), ("try again", .negative), ("wait... what?", .negative),
        ("Now add tests", .neutral), ("'thanks'", .neutral), ("nothing", .neutral), ("notes please", .neutral),
        ("tyre pressure?", .neutral), ("K\u{212A}thanks", .positive), ("good", .positive), ("goodbye", .neutral),
        ("", .neutral), ("   thanks   ", .positive), ("/review thanks", .positive), ("é thanks", .positive),
        ("¡thanks!", .positive), ("no-op change please", .negative), ("not quite", .negative), ("not quiet", .neutral),
    ])
    func feedbackFromTheNextPrompt(_ prompt: String, _ expected: Feedback) {
        #expect(Feedback(nextPrompt: prompt) == expected, "\(prompt.debugDescription)")
    }

    @Test func normalizationKeepsQuotesAndFoldsOnlyASCII() {
        #expect(Feedback.normalize("  That\u{2019}s  GREAT!!  ") == "that's great")
        #expect(Feedback.normalize("Éa\u{212A}b") == "a b")
    }

    /// The byte-level normalization against a reading scalar by scalar:
    /// U+2019 is a quote, ASCII letters are folded, anything else (U+2018
    /// and the euro sign share U+2019's first byte) separates words.
    @Test func normalizationMatchesAScalarByScalarReading() {
        var random = SeededRandom(state: 11)
        let pieces = ["a", "Z", "9", "'", "\u{2019}", " ", "!", "é", "\u{2018}", "\u{20AC}", "日", "\u{212A}", "  ", "-", "Qx"]
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<random.below(40) { text += pieces[random.below(pieces.count)] }
            var words: [String] = [], word = ""
            for scalar in text.unicodeScalars {
                let kept: Character? = scalar == "\u{2019}" ? "'"
                    : scalar.isASCII && (Character(scalar).isLetter || Character(scalar).isNumber || scalar == "'")
                    ? Character(Character(scalar).lowercased()) : nil
                if let kept {
                    word.append(kept)
                } else if !word.isEmpty {
                    words.append(word)
                    word = ""
                }
            }
            if !word.isEmpty { words.append(word) }
            #expect(Feedback.normalize(text) == words.joined(separator: " "), "\(text.debugDescription)")
        }
    }

    /// A turn closed by a prompt gets that prompt's feedback; one closed by
    /// a closing record or the end of the file has none.
    @Test func feedbackComesFromThePromptThatClosedTheTurn() throws {
        var t = Transcript()
        t.turn("first", id: "c1")
        t.turn("thanks, now the second", id: "c2")
        t.user("<bash-input>ls</bash-input>")
        t.turn("third", id: "c3")
        t.user([text("That is wrong")])
        let run = try scan(t)
        let feedback = run.metadata.map { $0["feedback"] as? String }
        #expect(feedback == ["positive", nil, "negative"])
    }

    // MARK: - Filters

    static func filtered(_ configure: (inout ExampleFilters) -> Void) throws -> ScanRun {
        var t = Transcript()
        t.turn("one", id: "a1")                                     // 1 call, 0 errors; closed by "no"
        t.user("no, again")
        t.assistant("m2", [use("b1", "mcp__srv__x"), use("b2", "mcp__srv__y")])
        t.results([("b1", "boom", true), ("b2", "ok", nil)])
        t.assistant("a2", [text("done twice")])                     // 2 calls, 1 error; closed by "thanks"
        t.turn("thanks", id: "c1", input: ["blob": String(repeating: "x", count: 500)])  // big; no feedback
        return try scan(t) { configure(&$0.filters) }
    }

    @Test func eachFilterKeepsWhatItShouldAndCountsTheRest() throws {
        func prompts(_ run: ScanRun) -> [String] { run.messages.map { $0[0]["content"] as! String } }
        let all = try Self.filtered { _ in }
        #expect(prompts(all) == ["one", "no, again", "thanks"])
        let bytes = all.metadata.map { $0["bytes"] as! Int }

        var run = try Self.filtered { $0.maxToolErrors = 0 }
        #expect(prompts(run) == ["one", "thanks"])
        #expect(run.report.counters.filtered[.maxToolErrors] == 1)
        run = try Self.filtered { $0.minCalls = 2 }
        #expect(prompts(run) == ["no, again"])
        #expect(run.report.counters.filtered[.minCalls] == 2)
        // --max-bytes at the exact edge keeps, one below drops.
        run = try Self.filtered { $0.maxBytes = Int64(bytes[1]) }
        #expect(prompts(run) == ["one", "no, again"])
        run = try Self.filtered { $0.maxBytes = Int64(bytes[1] - 1) }
        #expect(prompts(run) == ["one"])
        run = try Self.filtered { $0.feedback = [.negative, nil] }
        #expect(prompts(run) == ["one", "thanks"])
        #expect(run.report.counters.filtered[.feedback] == 1)
        // Timestamps are 2026-01-01T00:00:SSZ with SS the line number.
        run = try Self.filtered { $0.since = "2026-01-01T00:00:05Z" }
        #expect(prompts(run) == ["no, again", "thanks"])
        run = try Self.filtered { $0.until = "2026-01-01T00:00:05Z" }
        #expect(prompts(run) == ["one"])
        run = try Self.filtered { $0.since = "2026-01-01T00:00:05Z"; $0.until = "2026-01-01T00:00:05Z" }
        #expect(prompts(run).isEmpty)
        #expect(run.report.counters.filtered[.since] == 1 && run.report.counters.filtered[.until] == 2)
        run = try Self.filtered { $0.project = "/wo*" }
        #expect(prompts(run).count == 3)
        run = try Self.filtered { $0.project = "/Wo*" }
        #expect(prompts(run).isEmpty && run.report.counters.filtered[.project] == 3)
        // Counted under the first filter failed, in SPEC order.
        run = try Self.filtered { $0.maxToolErrors = 0; $0.minCalls = 2 }
        #expect(run.report.counters.filtered[.maxToolErrors] == 1 && run.report.counters.filtered[.minCalls] == 2)
    }

    /// A filtered turn takes no part in dedup: its duplicate, if kept, is written.
    @Test func aFilteredTurnDoesNotHideItsDuplicate() throws {
        var t = Transcript()
        t.turn("same", id: "d1")
        t.user("nope")
        t.turn("same", id: "d2")
        let run = try scan(t) { $0.filters.feedback = [nil] }
        #expect(run.examples.count == 1)
        #expect(run.report.duplicatesThisRun == 0)
        #expect(run.metadata.first?["line_start"] as? Int == 6)
    }

    @Test func turnsWithoutTimeOrProjectFailThoseFilters() throws {
        let example = ExampleMetadata(file: "f", sidechain: false, lineStart: 1, lineEnd: 2, tools: [], mcpServers: [],
                                      numToolCalls: 1, numToolErrors: 0)
        var filters = ExampleFilters()
        filters.since = ""
        #expect(filters.firstFailure(example) == .since)
        filters = ExampleFilters()
        filters.until = "9999"
        #expect(filters.firstFailure(example) == .until)
        filters = ExampleFilters()
        filters.project = "*"
        #expect(filters.firstFailure(example) == .project)
    }

    @Test func badFilterValuesAreRefused() {
        #expect(throws: ExampleFilters.InvalidValue.self) { try ExampleFilters.parseFeedback("positive,great") }
        #expect(throws: ExampleFilters.InvalidValue.self) { try ExampleFilters.checkGlob("/home/[ab") }
        #expect(throws: ExampleFilters.InvalidValue.self) { try ExampleFilters.checkGlob("a\\") }
        #expect(throws: Never.self) { try ExampleFilters.checkGlob("/home/[]ab]/*") }
        #expect((try? ExampleFilters.parseFeedback("none,neutral")) == [nil, .neutral])
    }

    // MARK: - Split

    @Test func splitThresholdsAtTheirExactEdges() throws {
        let split = try DatasetSplit(parsing: "90,5,5")
        let trainEnd = UInt64(1) << 32 * 90 / 100, valEnd = (UInt64(1) << 32) * 95 / 100
        func id(_ h: UInt64) -> String { String(repeating: "0", count: 8 - String(h, radix: 16).count) + String(h, radix: 16) + "0123456789abcdef01234567" }
        #expect(split.part(ofID: id(0)) == .train)
        #expect(split.part(ofID: id(trainEnd - 1)) == .train)
        #expect(split.part(ofID: id(trainEnd)) == .val)
        #expect(split.part(ofID: id(valEnd - 1)) == .val)
        #expect(split.part(ofID: id(valEnd)) == .test)
        #expect(split.part(ofID: "ffffffff" + String(repeating: "0", count: 24)) == .test)
        let noTest = try DatasetSplit(parsing: "98,2")
        #expect(noTest.part(ofID: "ffffffff" + String(repeating: "0", count: 24)) == .val)
        #expect(throws: DatasetSplit.Invalid.self) { try DatasetSplit(parsing: "90,5,4") }
        #expect(throws: DatasetSplit.Invalid.self) { try DatasetSplit(parsing: "90") }
        #expect(throws: DatasetSplit.Invalid.self) { try DatasetSplit(parsing: "110,-5,-5") }
        #expect(throws: DatasetSplit.Invalid.self) { try DatasetSplit(parsing: "90,5,5,0") }
    }

    @Test func splitShardsRollPerPartAndTheManifestNamesThem() throws {
        var t = Transcript()
        for k in 0..<60 { t.turn("prompt \(k)", id: "c\(k)") }
        let run = try scan(t) {
            $0.split = try! DatasetSplit(parsing: "50,30,20")
            $0.shardSize = 2048
        }
        #expect(run.examples.count == 60)
        for example in run.examples {
            let id = example["id"] as! String
            let part = (example["metadata"] as! [String: Any])["split"] as! String
            #expect(part == (try DatasetSplit(parsing: "50,30,20")).part(ofID: id).rawValue)
        }
        let manifest = try Manifest.decode(Array(Data(contentsOf: URL(fileURLWithPath: run.out + "/manifest.json"))), path: "m")
        #expect(!manifest.shards.isEmpty && manifest.shards.allSatisfy { $0.split != nil && $0.name.hasPrefix($0.split! + "/part-") })
        for part in ["train", "val", "test"] {
            let shards = manifest.shards.filter { $0.split == part }
            #expect(shards.count > 1, "\(part) rolls its own shards")
            #expect(shards.reduce(0) { $0 + $1.records } == run.report.writtenPerSplit[part])
            #expect(shards.first?.name == part + "/part-00000.jsonl")
        }
        #expect(try OutputVerifier.verify(output: run.out).problems == [])
        // A second run adds to each part's numbering, and an export splits too.
        t.turn("one more", id: "z1")
        run.archive.write("p/s.jsonl", t.contents)
        let again = try rescan(run.archive) { $0.split = try! DatasetSplit(parsing: "50,30,20"); $0.shardSize = 2048 }
        #expect(again.report.examplesWritten == 1)
        #expect(try OutputVerifier.verify(output: run.out).problems == [])
    }

    // MARK: - Call ids

    @Test func repeatedCallIdsGetTheirPosition() throws {
        var t = Transcript()
        t.user("go")
        t.assistant("m1", [use("dup", "mcp__srv__a"), use("dup", "mcp__srv__b")])
        t.results([("dup", "first", nil), ("dup", "second", nil)])
        t.assistant("m2", [use("dup", "mcp__srv__c")])
        t.result("dup", "third")
        t.assistant("m3", [text("done")])
        let run = try scan(t)
        let messages = try #require(run.messages.first)
        let callIDs = messages.compactMap { $0["tool_calls"] as? [[String: Any]] }.flatMap { $0.map { $0["id"] as! String } }
        #expect(callIDs == ["dup", "dup_1", "dup_2"])
        #expect(messages.compactMap { $0["tool_call_id"] as? String } == ["dup", "dup_1", "dup_2"])
        #expect(try OutputVerifier.verify(output: run.out).problems == [])
    }

    @Test func verifyReportsRepeatedCallIds() {
        let line = Array(#"{"id":"x","messages":[{"role":"user","content":"q"},{"role":"assistant","content":null,"tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"a","content":""},{"role":"tool","tool_call_id":"a","content":""},{"role":"assistant","content":"ok"}],"metadata":{}}"#.utf8)
        var ids = Set<String>()
        let problems = OutputFormat.openai.problems(inLine: line, ids: &ids)
        #expect(problems.contains { $0.contains("call id a repeats") })
    }
}
