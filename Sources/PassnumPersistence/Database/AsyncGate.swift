/// A first-come, first-served lock for async code. SQLite allows one writer at a time: queueing write
/// transactions here, instead of letting them collide on the file lock, keeps them fair and never busy.
actor AsyncGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
