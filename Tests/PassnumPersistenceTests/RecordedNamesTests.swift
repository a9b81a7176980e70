import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Names and reasons the platform records itself")
struct RecordedNamesTests {
    @Test("Every name and reason the platform writes reads back as what it is; anything a person typed does not")
    func readBack() {
        for process in Actor.Process.allCases {
            #expect(RecordedActor(Actor(process).name) == .process(process), "\(process)")
        }
        #expect(RecordedActor(Actor.apiKey(ApiKeyID(12)).name) == .apiKey(12))
        #expect(RecordedActor(Actor.place(PlaceID(3)).name) == .place(3) && Actor.place(PlaceID(3)).organisation == .place(PlaceID(3)))
        #expect(RecordedActor(Actor.placeImport(file: "lieux.csv").name) == .placeImport(file: "lieux.csv"))
        #expect(RecordedActor("camille@exemple.fr") == .named("camille@exemple.fr"))
        #expect(RecordedActor("place of honour") == .named("place of honour"))

        for reason in [RecordedReason.bankStep, .placeRecord, .supersededProposal, .imported, .importedWaiting(minutes: nil),
                       .importedWaiting(minutes: 750), .importedWaiting(minutes: 0)] {
            #expect(RecordedReason(reason.text) == reason, "\(reason)")
        }
        #expect(RecordedReason.importedWaiting(minutes: 750).text
                == "imported from an open-data file; opens 12 h 30 min a week, below the charter's 24 hours: waiting for review")
        #expect(RecordedReason("nouveau compte") == nil)
        #expect(RecordedReason("imported from an open-data file; opens 12 h 75 min a week, below the charter's 24 hours: waiting for review") == nil)
    }
}
