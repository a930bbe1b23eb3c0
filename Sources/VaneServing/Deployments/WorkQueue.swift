import Synchronization

/// A bounded queue with one consumer that takes everything waiting at once.
///
/// A push never waits: beyond ``capacity`` items it refuses. The consumer sleeps only when the
/// queue is empty, so under load a push is an append under a lock and the consumer wakes once
/// per batch rather than once per item (an `AsyncStream` resumes its reader for every element).
final class WorkQueue<Item: Sendable>: Sendable {
    let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var items: [Item] = []
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
    }

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds `item`; false when the queue is full or finished.
    func push(_ item: Item) -> Bool {
        let (accepted, waiter) = state.withLock { s -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !s.finished, s.items.count < capacity else { return (false, nil) }
            s.items.append(item)
            let waiter = s.waiter
            s.waiter = nil
            return (true, waiter)
        }
        waiter?.resume()
        return accepted
    }

    /// Everything waiting, in push order, once there is something; nil once the queue is
    /// finished and drained. One consumer only.
    func next() async -> [Item]? {
        while true {
            let taken = state.withLock { s -> [Item]?? in
                if !s.items.isEmpty {
                    var batch: [Item] = []
                    batch.reserveCapacity(s.items.count)
                    swap(&batch, &s.items)
                    return .some(batch)
                }
                return s.finished ? .some(nil) : nil
            }
            if let taken { return taken }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { s -> Bool in
                        guard s.items.isEmpty, !s.finished else { return true }
                        s.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                finish()
            }
        }
    }

    /// Refuses further pushes; ``next()`` returns what is left, then nil.
    func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.finished = true
            let waiter = s.waiter
            s.waiter = nil
            return waiter
        }
        waiter?.resume()
    }
}
