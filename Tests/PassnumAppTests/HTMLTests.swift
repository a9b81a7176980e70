import Foundation
@testable import PassnumApp
import PassnumDomain
import Testing

@Suite("HTML rendering")
struct HTMLTests {
    @Test("Text and attribute values are escaped, whatever they contain")
    func escaping() {
        let hostile = "\"><script>alert('x')</script>&amp;"
        let node = h("a", ["href": hostile, "title": "l'a"]) { hostile }
        #expect(node.rendered == "<a href=\"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;\" title=\"l&#39;a\">"
            + "\"&gt;&lt;script&gt;alert('x')&lt;/script&gt;&amp;amp;</a>")
    }

    @Test("Random strings never leave their text node or attribute")
    func randomStringsStayInside() {
        var random = SplitMix64(seed: 11)
        let alphabet = Array("<>&\"'=/ abcé€\n\t;#")
        for _ in 0..<500 {
            let text = String((0..<Int(random.next() % 20)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            // In text, only the element's own tags are markup; in an attribute, only its two quotes delimit it.
            let inText = h("p") { text }.rendered
            #expect(inText.filter { $0 == "<" }.count == 2 && inText.filter { $0 == ">" }.count == 2, "\(text.debugDescription) → \(inText)")
            let inAttribute = h("p", ["data-x": text]).rendered
            #expect(inAttribute.filter { $0 == "\"" || $0 == "'" || $0 == "<" || $0 == ">" }.count == 6, "\(text.debugDescription) → \(inAttribute)")
        }
    }

    @Test("Void elements have no closing tag; absent attributes are left out")
    func voidElementsAndOptionalAttributes() {
        #expect(h("input", ["type": "text", "value": nil, "required": ""]).rendered == "<input type=\"text\" required=\"\">")
        #expect(h("br").rendered == "<br>")
    }
}

@Suite("French formatting")
struct FrenchFormattingTests {
    @Test("Months are abbreviated the French way (Foundation's fr_FR), not by cutting letters")
    func shortMonths() throws {
        let labels = try (1...12).map { French.shortMonth(try #require(Month(year: 2026, month: $0))) }
        #expect(labels == ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."])
    }
}
