/// A lock and a condition guarding one value: the value is reachable only
/// inside `withLock`, so what the lock guards is what the compiler sees,
/// not what a comment says. `Synchronization.Mutex` has no condition to
/// wait on; this is the one type that adds one.
///
/// Invariant: `state` is read or written only between `pthread_mutex_lock`
/// and `pthread_mutex_unlock` on `mutex` (hence `@unchecked Sendable`).
public final class Monitor<State>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var state: State

    public init(_ state: State) {
        self.state = state
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the lock held.
    public func withLock<T>(_ body: (inout State) throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Waits (releasing the lock meanwhile) until `ready` holds, then runs
    /// `body`, all with the lock held from the last check on.
    public func withLock<T>(waitingUntil ready: (inout State) -> Bool, _ body: (inout State) throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready(&state) { pthread_cond_wait(condition, mutex) }
        return try body(&state)
    }

    /// Wakes every waiter to check its condition again; call after a change.
    public func broadcast() {
        pthread_cond_broadcast(condition)
    }
}
