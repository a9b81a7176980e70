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

    @Test("Text gets French typography: unbreakable spaces before : ; ! ? » and after «, not in times, URLs or attributes")
    func typography() {
        let nbsp = "\u{00A0}", narrow = "\u{202F}"
        #expect(French.typeset("Valeur : 10 €") == "Valeur" + nbsp + ": 10 €")
        #expect(French.typeset("Une question ? Oui ; non !") == "Une question" + narrow + "? Oui" + narrow + "; non" + narrow + "!")
        #expect(French.typeset("Atelier « Mon smartphone »") == "Atelier «" + nbsp + "Mon smartphone" + nbsp + "»")
        #expect(French.typeset("«Mon»") == "«" + nbsp + "Mon" + nbsp + "»")
        for untouched in ["de 10:00 à 12:00", "https://passnum.example/?q=1", "Mo-Fr 09:00-12:00", "a:b", "", "sans ponctuation", "Montant: 10 €", "&amp;"] {
            #expect(French.typeset(untouched) == untouched)
        }
        #expect(French.typeset("Prêt" + nbsp + "?") == "Prêt" + narrow + "?")
        #expect(h("p", ["title": "Valeur : 1"]) { "Valeur : 1" }.rendered == "<p title=\"Valeur : 1\">Valeur" + nbsp + ": 1</p>")
        #expect(h("pre") { "Raison : contrôle" }.rendered == "<pre>Raison : contrôle</pre>")
        #expect(h("p") { h("code") { "a ; b" }; "c ?" }.rendered == "<p><code>a ; b</code>c" + narrow + "?</p>")
        var random = SplitMix64(seed: 7)
        let alphabet = Array("ab :;!?«»\u{00A0}1")
        for _ in 0..<500 {
            let text = String((0..<Int(random.next() % 16)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            let typeset = French.typeset(text)
            // Only spaces are added or made unbreakable: the visible characters stay, in order.
            let visible = { (s: String) in s.filter { $0 != " " && $0 != "\u{00A0}" && $0 != "\u{202F}" } }
            #expect(visible(typeset) == visible(text), "\(text.debugDescription) → \(typeset.debugDescription)")
            #expect(French.typeset(typeset) == typeset, "typesetting twice changes \(text.debugDescription)")
        }
    }

    @Test("Plurals and telephone numbers are written the French way")
    func pluralsAndPhones() {
        #expect(French.plural(0, "chèque", "chèques") == "0 chèque")
        #expect(French.plural(1, "chèque", "chèques") == "1 chèque")
        #expect(French.plural(2, "chèque", "chèques") == "2 chèques")
        #expect(French.phone("0556000000") == "05 56 00 00 00")
        #expect(French.phone("+33 5 56 00 00 00") == "05 56 00 00 00")
        #expect(French.phone("+33556000000") == "05 56 00 00 00")
        #expect(French.phone("05.56.00.00.00") == "05 56 00 00 00")
        #expect(French.phone("+44 20 7946 0000") == "+44 20 7946 0000")
        #expect(French.phone("3939") == "3939")
        #expect(French.date(PageSnapshotTests.day("2026-03-01")) == "1er mars 2026")
        let lifetimes: [TimeInterval] = [3_600, 43_200, 604_800, 2_592_000]
        #expect(lifetimes.map(French.duration) == ["1 heure", "12 heures", "7 jours", "30 jours"])
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

    @Test("What the platform recorded itself is shown in French; what a person typed, as typed")
    func recordedByThePlatform() {
        #expect(French.actor("system") == "Plateforme (automatique)")
        #expect(French.actor("cli") == "Ligne de commande" && French.actor("command line") == "Ligne de commande")
        #expect(French.actor("tick") == "Tâche planifiée (échéances)")
        #expect(French.actor("api key 12") == "Clé API n° 12")
        #expect(French.actor("place 3") == "Lieu n° 3")
        #expect(French.actor("import-places lieux.csv") == "Import de lieux (lieux.csv)")
        // People and anything else, as recorded.
        #expect(French.actor("camille@exemple.fr") == "camille@exemple.fr")
        #expect(French.actor("place of honour") == "place of honour")
        #expect(French.recorded("given with the place's record") == "Donné avec la fiche du lieu.")
        #expect(French.recorded("imported from an open-data file; opens 12 h 30 min a week, below the charter's 24 hours: waiting for review")
                == "Importé d’un fichier de données ouvertes ; ouvert 12 h 30 min par semaine, moins que les 24 heures de la charte : à examiner.")
        #expect(French.recorded("imported from an open-data file; hours unreadable, below the charter's 24 hours: waiting for review")
                == "Importé d’un fichier de données ouvertes ; horaires illisibles, moins que les 24 heures de la charte : à examiner.")
        #expect(French.recorded("nouveau compte") == "nouveau compte")
    }
}
