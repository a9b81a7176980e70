import PassnumDomain
import PassnumPersistence

/// The sheet a prescriber prints and gives to a person: their checks still usable and the last day, the three places
/// nearest their commune that take them, and whom to call for help.
enum PersonSheetPage {
    struct Place: Sendable, Equatable {
        var place: PublicPlace
        /// From the first site of the person's commune, when one has coordinates.
        var kilometres: Double?
        /// Nil when the place gave none, or none that reads.
        var hours: OpeningHours?
    }

    struct Model: Sendable, Equatable {
        var sheet: PersonSheet
        var places: [Place]
        /// The operator, for questions about the platform itself (the legal settings).
        var operatorName: String?
        var operatorEmail: String?
        var madeOn: CivilDate

        static let placesShown = 3

        /// Nil when the person is not one of this prescriber's. Four statements: the person, their checks, the places
        /// (`searchPlaces`, restricted to the funders of the checks they hold) and the places' sites.
        static func query(store: Store, prescriber: PrescriberID, person: BeneficiaryID, legal: LegalSettings) async throws -> Model? {
            guard let sheet = try await store.personSheet(of: person, prescriber: prescriber) else { return nil }
            var places: [Place] = []
            if let commune = CommuneCode(sheet.commune) {
                let funders = Array(Set(sheet.checks.map(\.funder))).sorted { $0.rawValue < $1.rawValue }
                places = try await store.searchPlaces(.around(commune, funders: funders), limit: placesShown).places.map {
                    Place(place: $0.place, kilometres: $0.kilometres, hours: $0.place.openingHours.flatMap { try? OpeningHours($0) })
                }
            }
            return Model(sheet: sheet, places: places, operatorName: legal.publisherName, operatorEmail: legal.contactEmail,
                         madeOn: CivilDate(store.clock.now))
        }
    }

    static func filename(_ sheet: PersonSheet) -> String { "fiche-personne-\(sheet.id).html" }
}
