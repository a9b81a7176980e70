import PassnumDomain
import Testing

@Suite("What the hand-out's number field receives: a booklet's number, a check's serial, a check's QR code")
struct BookletReferenceTests {
    static let serial = CheckSerial("100000000017")!

    @Test("The number on the cover, typed bare or copied with its words, names the booklet")
    func bookletNumber() {
        for text in ["12", " 12 ", "Carnet n° 12", "carnet 12", "N°12", "no 12", "nº 12", "1 2"] {
            #expect(BookletReference.read(text) == .success(.booklet(BookletID(12))), "\(text)")
        }
        #expect(BookletReference.read("123456789") == .success(.booklet(BookletID(123_456_789))))
    }

    @Test("A check's 12 digits, with or without spaces or dashes, or its QR code's URL as a scanner types it, name the check")
    func checkSerial() {
        for text in ["100000000017", "1000 0000 0017", " 1000-0000-0017\n", "https://passnum.example/c/100000000017-ABCDEFGHJKMNP",
                     "HTTPS://PASSNUM.EXAMPLE/C/100000000017-abcdefghjkmnp\n", "/c/100000000017"] {
            #expect(BookletReference.read(text) == .success(.check(Self.serial)), "\(text)")
        }
    }

    @Test("Nothing, text, a check number with a digit missing or a typo, or a booklet 0 are refused, each with its reason")
    func refusals() {
        #expect(BookletReference.read("") == .failure(.empty))
        #expect(BookletReference.read("  \n") == .failure(.empty))
        #expect(BookletReference.read("carnet") == .failure(.malformed))
        #expect(BookletReference.read("0") == .failure(.malformed))
        #expect(BookletReference.read("12a") == .failure(.malformed))
        #expect(BookletReference.read("-12") == .failure(.malformed))
        #expect(BookletReference.read("10000000001") == .failure(.malformed), "11 digits: a check's number with one missing")
        #expect(BookletReference.read("1000000000") == .failure(.malformed))
        #expect(BookletReference.read("1000 0000 0018") == .failure(.badCheckDigit))
        #expect(BookletReference.read("https://passnum.example/c/100000000018-ABCDEFGHJKMNP") == .failure(.badCheckDigit))
        #expect(BookletReference.read("https://passnum.example/c/") == .failure(.malformed))
        #expect(BookletReference.read(String(repeating: "1", count: ScannedCheck.maximumLength + 1)) == .failure(.malformed))
    }
}
