import Dispatch
import Synchronization

/// Runs `body` on a thread of its own and returns its result, or nil when
/// it has not finished within `seconds` (it is then left running): a test
/// of code that could deadlock fails rather than hangs the suite.
public func finishing<T: Sendable>(within seconds: Double, _ body: @escaping @Sendable () throws -> T) throws -> T? {
    let outcome = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
        let result = Result { try body() }
        outcome.withLock { $0 = result }
        done.signal()
    }
    guard done.wait(timeout: .now() + seconds) == .success else { return nil }
    return try outcome.withLock { $0 }!.get()
}
