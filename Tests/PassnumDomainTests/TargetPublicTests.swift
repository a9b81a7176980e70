import PassnumDomain
import Testing

@Suite("Target publics")
struct TargetPublicTests {
    @Test("a hand-out records none, or one public the programme declares; any other is refused")
    func checked() throws {
        let declared: [TargetPublic] = [.jobSeekers, .aged60AndOver]
        #expect(try TargetPublic.checked(nil, declared: declared) == nil)
        #expect(try TargetPublic.checked(.jobSeekers, declared: declared) == .jobSeekers)
        #expect(throws: DomainError.invalid(field: .targetPublic, problem: .notAvailable)) { try TargetPublic.checked(.rsaRecipients, declared: declared) }
        #expect(throws: DomainError.invalid(field: .targetPublic, problem: .notAvailable)) { try TargetPublic.checked(.jobSeekers, declared: []) }
    }

    @Test("a code from a form or the API: empty is none, a known code its public, anything else refused")
    func parse() throws {
        #expect(try TargetPublic.parse(nil) == nil)
        #expect(try TargetPublic.parse("  ") == nil)
        #expect(try TargetPublic.parse("aged_16_25") == .aged16To25)
        for code in ["jobseekers", "JOB_SEEKERS", String(repeating: "x", count: 10_000), "job_seekers|rsa_recipients"] {
            #expect(throws: DomainError.invalid(field: .targetPublic, problem: .notAvailable)) { try TargetPublic.parse(code) }
        }
    }

    @Test("publics sort in the order of the list, the same on every page and file")
    func order() {
        #expect(Set(TargetPublic.allCases).sorted() == TargetPublic.allCases)
        #expect([TargetPublic.aged60AndOver, .jobSeekers].sorted() == [.jobSeekers, .aged60AndOver])
    }
}
