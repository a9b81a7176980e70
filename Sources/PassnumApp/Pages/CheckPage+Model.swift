import PassnumDomain
import PassnumPersistence

/// Anyone checks a check with its serial and code: the form, and what the check is worth and until when.
enum CheckPage {
    struct Model: Sendable, Equatable {
        var status: PublicCheckStatus
        /// Handed out and not past its last day: a place may still accept it.
        var usable: Bool

        /// Nil when the serial and code match no check.
        static func query(store: Store, serial: CheckSerial, code: SecurityCode) async throws -> Model? {
            guard let status = try await store.publicStatus(serial: serial, code: code) else { return nil }
            return Model(status: status, usable: status.state == .distributed && CivilDate(store.clock.now) <= status.lastDay)
        }
    }
}
