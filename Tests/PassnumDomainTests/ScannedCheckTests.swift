import PassnumDomain
import Testing

@Suite("What a place's number field receives: a scanned URL, a paste, a typed number")
struct ScannedCheckTests {
    @Test("The QR code's full URL gives both the number and the code")
    func fullURL() throws {
        let read = try #require(ScannedCheck.read(number: "https://passnum.example/c/100000000017-ABCDEFGHJKMNP", code: ""))
        #expect(read.serial == "100000000017" && read.code == "ABCDEFGHJKMNP")
    }

    @Test("A scanner's line end, lower case, a query or fragment, or the path alone read the same")
    func variants() throws {
        for text in ["https://passnum.example/c/100000000017-ABCDEFGHJKMNP\n", "HTTPS://PASSNUM.EXAMPLE/C/100000000017-abcdefghjkmnp",
                     "  http://localhost:8080/c/100000000017-ABCDEFGHJKMNP?utm=x#top ", "/c/100000000017-ABCDEFGHJKMNP",
                     "passnum.example/c/100000000017-ABCDEFGHJKMNP/"] {
            let read = try #require(ScannedCheck.read(number: text, code: ""), "\(text)")
            #expect(read.serial == "100000000017" && read.code == "ABCDEFGHJKMNP", "\(text) read as \(read)")
        }
    }

    @Test("A code typed by hand wins over the URL's; a number typed by hand is only trimmed")
    func typedByHand() throws {
        #expect(try #require(ScannedCheck.read(number: "https://x.fr/c/100000000017-ABCDEFGHJKMNP", code: " 1234 ")).code == "1234")
        let typed = try #require(ScannedCheck.read(number: " 1000 0000-0017 ", code: "abcd efgh"))
        #expect(typed.serial == "1000 0000-0017" && typed.code == "abcd efgh")
        #expect(CheckSerial(typed.serial) != nil, "the serial's own parser takes spaces and dashes")
        #expect(ScannedCheck.qrPayload("1000 0000 0017") == nil)
    }

    @Test("A URL without a code gives an empty code, a URL without the marker is not read as one")
    func partial() throws {
        let read = try #require(ScannedCheck.qrPayload("https://x.fr/c/100000000017"))
        #expect(read.serial == "100000000017" && read.code == "")
        #expect(ScannedCheck.qrPayload("https://x.fr/verifier?serial=100000000017") == nil)
    }

    @Test("Input longer than any printed URL is refused unread")
    func bounded() {
        let long = "https://x.fr/c/100000000017-ABCDEFGHJKMNP" + String(repeating: "A", count: ScannedCheck.maximumLength)
        #expect(ScannedCheck.read(number: long, code: "") == nil)
        #expect(ScannedCheck.read(number: "1", code: String(repeating: "B", count: ScannedCheck.maximumLength + 1)) == nil)
        #expect(ScannedCheck.qrPayload(long) == nil)
    }

    @Test("A refused or withdrawn place is final; the other states have a way out")
    func finalPlaceStates() {
        #expect(PlaceState.allCases.filter(\.isFinal) == [.rejected, .disqualified])
    }
}
