import Synchronization

/// Test hook: rules asked before every write with the file's path (or an
/// unnamed file's label); an errno one returns fails that write (disk full,
/// I/O error) as the kernel would.
///
/// Tests run at once in one process: each adds a rule for its own paths and
/// removes it, leaving the others' in place (one process-wide hook, set and
/// cleared by tests running side by side, lost their injections at random).
package enum WriteFaults {
    private struct Rules {
        var nextID = 0
        var byID: [Int: (String) -> Int32?] = [:]
    }

    private static let rules = Monitor(Rules())
    /// How many rules there are: a write outside tests takes no lock.
    private static let ruleCount = Atomic<Int>(0)

    /// Adds `rule` (called under a lock, so it may count calls); returns
    /// what removes it, which may be called more than once.
    package static func inject(_ rule: @escaping (String) -> Int32?) -> @Sendable () -> Void {
        let id = rules.withLock { rules in
            rules.nextID += 1
            rules.byID[rules.nextID] = rule
            ruleCount.store(rules.byID.count, ordering: .releasing)
            return rules.nextID
        }
        return {
            rules.withLock { rules in
                rules.byID[id] = nil
                ruleCount.store(rules.byID.count, ordering: .releasing)
            }
        }
    }

    /// The errno a rule gives a write to `path`, if any.
    package static func error(writing path: String) -> Int32? {
        guard ruleCount.load(ordering: .acquiring) > 0 else { return nil }
        return rules.withLock { rules in
            for id in rules.byID.keys.sorted() {
                if let code = rules.byID[id]!(path) { return code }
            }
            return nil
        }
    }
}
