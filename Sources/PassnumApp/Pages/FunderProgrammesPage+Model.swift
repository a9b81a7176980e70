import PassnumDomain
import PassnumPersistence

/// A funder's programmes and the form for a new one; `FunderProgrammePage` edits one before its first order.
enum FunderProgrammesPage {
    struct Model: Sendable, Equatable {
        /// The funder's name: the new programme's form offers it as the second co-funder.
        var funderName: String
        var programmes: [ProgrammeRow]

        static func query(store: Store, funder: FunderID) async throws -> Model {
            let name = try await store.name(ofFunder: funder) ?? ""
            return Model(funderName: name, programmes: try await store.programmes(of: funder))
        }
    }
}

/// Editing a programme before its first order: the form only, filled from the programme's terms.
enum FunderProgrammePage {}
