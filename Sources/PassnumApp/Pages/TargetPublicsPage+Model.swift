import PassnumDomain
import PassnumPersistence

/// The publics a programme means to reach, which its funder declares (the co-funding statement splits its checks by
/// them) and its prescribers may tick at hand-out.
enum TargetPublicsPage {
    struct Model: Sendable, Equatable {
        var programme: Programme

        /// Nil when the programme is not the funder's. Two statements.
        static func query(store: Store, funder: FunderID, programme id: ProgrammeID) async throws -> Model? {
            let programme: Programme
            do { programme = try await store.programme(id) } catch DomainError.notFound { return nil }
            guard programme.funder == funder else { return nil }
            return Model(programme: programme)
        }
    }

    /// The name of the publics' checkboxes.
    static let field = "publics[]"
}

extension French {
    /// What a public is called on pages, files and the statement; nil: a hand-out that recorded none.
    static func targetPublic(_ targetPublic: TargetPublic?) -> String {
        switch targetPublic {
        case .jobSeekers: "Demandeurs d’emploi"
        case .rsaRecipients: "Bénéficiaires du RSA"
        case .aged16To25: "Jeunes de 16 à 25 ans"
        case .aged60AndOver: "Personnes de 60 ans et plus"
        case nil: "Non renseigné"
        }
    }
}
