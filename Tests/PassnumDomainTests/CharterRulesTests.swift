import Foundation
import PassnumDomain
import Testing

@Suite("Weekly opening time, the State's charter, the limited-network threshold")
struct CharterRulesTests {
    @Test("Weekly opening time of common opening_hours", arguments: [
        ("Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00", 37 * 60),
        ("24/7", 7 * 24 * 60),
        ("Mo-Fr 09:00-18:00; We off", 4 * 9 * 60),
        ("Mo-Fr 09:00-12:00", 15 * 60),
        ("Mo,We,Fr 09:00-12:30", 3 * 210),
        ("Tu-Th 14:00-18:00; Su,PH off", 3 * 4 * 60),
        ("10:00-17:00", 7 * 7 * 60),
        ("off", 0),
        ("PH off", 0),
        ("Mo-Fr 09:00-12:00,11:00-13:00", 5 * 4 * 60),
        ("Mo-Fr 09:00-12:00; Mo-Fr 14:00-18:00", 5 * 4 * 60),
        ("Mo 00:00-24:00", 24 * 60),
        ("Mo-Fr 08:30-12:00,13:30-17:00; Sa 09:00-12:00", 5 * 7 * 60 + 3 * 60),
    ])
    func weekly(text: String, minutes: Int) {
        #expect(OpeningHours.weekly(text) == .minutes(minutes))
    }

    @Test("A day range that wraps over the week's end (Sa-Mo) is Saturday, Sunday and Monday, not Monday to Saturday", arguments: [
        ("Sa-Mo 10:00-12:00", 3 * 2 * 60),
        ("Su-Mo 09:00-17:00", 2 * 8 * 60),
        ("Su-Sa 10:00-14:00", 7 * 4 * 60),
        ("Fr-Tu 10:00-12:00; Mo off", 4 * 2 * 60),
        // The charter's 24 hours exactly: four days of six hours (read Mo-Fr it would be 30 hours).
        ("Fr-Mo 09:00-15:00", 24 * 60),
        // 22 hours, below the charter (read Mo-Sa, the second rule would replace the first: 12 hours).
        ("Tu-Fr 09:00-13:00; Sa-Mo 10:00-12:00", 22 * 60),
    ])
    func wrapAround(text: String, minutes: Int) {
        #expect(OpeningHours.weekly(text) == .minutes(minutes))
    }

    @Test("A wrapping range is said as written, and 24 hours a week meet the charter while 23 h 59 do not")
    func wrapAroundCharter() throws {
        #expect(try OpeningHours("Sa-Mo 10:00-12:00").french == ["Du samedi au lundi : 10 h à 12 h."])
        #expect(PlaceCharter.met(by: OpeningHours.weekly("Fr-Mo 09:00-15:00")))
        #expect(!PlaceCharter.met(by: OpeningHours.weekly("Fr-Mo 09:00-15:00; Mo 09:00-14:59")))
        #expect(throws: DomainError.invalid(field: .reason, problem: .belowCharter(weeklyMinutes: 22 * 60))) {
            try PlaceCharter.checkQualification(OpeningHours.weekly("Tu-Fr 09:00-13:00; Sa-Mo 10:00-12:00"), reason: nil)
        }
    }

    @Test("Hours that cannot be read are unknown, never an error", arguments: [
        "", "lundi matin", "Mo-Fr 9:00-12:00", "Mo 12:00-09:00", "Mo-Fr 09:00-25:00", "Mo-Fr; Sa 10:00-12:00", "sunrise-sunset",
        "Mo-Fr 09:00-12:00 ||", String(repeating: "Mo 09:00-10:00; ", count: 100) + "Tu 09:00-10:00",
    ])
    func unknown(text: String) {
        #expect(OpeningHours.weekly(text) == .unknown)
    }

    @Test("Any text at all gives a time within the week or unknown (random bytes and random well-formed rules)")
    func property() {
        var random = SplitMix64(seed: 7)
        let alphabet = Array("MoTuWeThFrSaSuPH0123456789:-,; /offclosed24")
        for _ in 0..<2_000 {
            let text = String((0..<Int(random.next() % 60)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            if case .minutes(let minutes) = OpeningHours.weekly(text) { #expect((0...10_080).contains(minutes), "\(text)") }
        }
        let days = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
        for _ in 0..<500 {
            var rules: [String] = []
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let first = Int(random.next() % 7), last = first + Int(random.next() % UInt64(7 - first))
                let start = Int(random.next() % 23), end = start + 1 + Int(random.next() % UInt64(24 - start))
                rules.append("\(days[first])-\(days[last]) " + String(format: "%02d:00-%02d:00", start, end))
            }
            let text = rules.joined(separator: "; ")
            guard case .minutes(let minutes) = OpeningHours.weekly(text) else {
                Issue.record("well-formed hours unread: \(text)")
                continue
            }
            #expect((0...10_080).contains(minutes))
            // A later rule replaces the earlier ones on its days.
            #expect(OpeningHours.weekly(text + "; Mo-Su off") == .minutes(0))
            #expect(OpeningHours.weekly(text + "; Mo-Su 00:00-24:00") == .minutes(10_080))
            // Closing one day never adds time.
            if case .minutes(let fewer) = OpeningHours.weekly(text + "; We off") { #expect(fewer <= minutes) }
        }
    }

    @Test("The most open site counts; a place with no readable site is unknown")
    func most() {
        #expect(WeeklyOpening.most([.minutes(480), .unknown, .minutes(1_800)]) == .minutes(1_800))
        #expect(WeeklyOpening.most([.unknown]) == .unknown)
        #expect(WeeklyOpening.most([]) == .unknown)
    }

    @Test("Below 24 hours, or with unknown hours, qualifying needs a reason")
    func charter() throws {
        #expect(PlaceCharter.met(by: .minutes(24 * 60)))
        #expect(!PlaceCharter.met(by: .minutes(24 * 60 - 1)))
        #expect(!PlaceCharter.met(by: .unknown))
        #expect(throws: Never.self) { try PlaceCharter.checkQualification(.minutes(30 * 60), reason: nil) }
        #expect(throws: DomainError.invalid(field: .reason, problem: .belowCharter(weeklyMinutes: 900))) {
            try PlaceCharter.checkQualification(.minutes(900), reason: " ")
        }
        #expect(throws: DomainError.invalid(field: .reason, problem: .belowCharter(weeklyMinutes: nil))) {
            try PlaceCharter.checkQualification(.unknown, reason: nil)
        }
        #expect(throws: Never.self) { try PlaceCharter.checkQualification(.unknown, reason: "Horaires vérifiés sur place") }
    }

    @Test("The limited-network threshold: warned from 80 %, over above 1 M€")
    func limitedNetwork() {
        #expect(LimitedNetwork.level(of: .zero) == .under)
        #expect(LimitedNetwork.level(of: Money(cents: 799_999_99)) == .under)
        #expect(LimitedNetwork.level(of: .euros(800_000)) == .near)
        #expect(LimitedNetwork.level(of: .euros(1_000_000)) == .near)
        #expect(LimitedNetwork.level(of: Money(cents: 1_000_000_01)) == .over)
        #expect(LimitedNetwork.percent(of: Money(cents: 799_999_99)) == 79)
        #expect(LimitedNetwork.percent(of: .euros(1_500_000)) == 150)
    }

    @Test("A SIRET completed with its check digit passes the check; changing the last digit fails it")
    func completedSiret() throws {
        var random = SplitMix64(seed: 3)
        for _ in 0..<200 {
            let body = "1" + (0..<12).map { _ in String(random.next() % 10) }.joined()
            let siret = Siret.completing(body)
            #expect(try Siret.check(siret).get() == siret)
            let last = siret.last!.wholeNumberValue!
            #expect(throws: Siret.Problem.badChecksum) { try Siret.check(body + String((last + 1) % 10)).get() }
        }
    }
}
