import PassnumDomain

extension CheckPage {
    struct View {
        /// Nil until a serial and code that match a check are sent.
        let model: Model?
        let context: PageContext
        var form = PublicController.CheckForm()
        var errors = FormErrors()
        /// The operator's contact address, for a holder with a question (`PASSNUM_OPERATOR_EMAIL`).
        var contact: String?

        var document: Node {
            Layout.page(title: "Vérifier un chèque", context: context) {
                h("h1") { "Vérifier un chèque" }
                if let model { Self.result(model, contact: contact) }
                h("p") { "Recopiez le numéro (repère 1) et le code (repère 2) imprimés sur le chèque." }
                Self.drawing
                h("form", ["method": "post", "action": SiteURL.checkStatus.path, "novalidate": ""]) {
                    errors.summary
                    csrfField(context)
                    field("Numéro du chèque (repère 1)", name: "serial", value: form.serial, errors: errors, hint: "12 chiffres, par exemple 1000 0000 0017.",
                          attributes: ["inputmode": "numeric", "autocomplete": "off"])
                    field("Code de sécurité (repère 2)", name: "code", value: form.code, errors: errors, hint: "13 lettres et chiffres, sous le numéro.",
                          attributes: ["autocomplete": "off", "autocapitalize": "characters"])
                    h("button", ["type": "submit"]) { "Vérifier" }
                }
            }
        }

        /// What the holder can do with the check, in a sentence, then its details.
        static func result(_ model: Model, contact: String?) -> Node {
            let status = model.status
            let answer = Self.answer(model)
            return h("section", ["class": model.usable ? "notice" : "errors", "role": "status", "aria-labelledby": "resultat"]) {
                h("h2", ["id": "resultat"]) { model.usable ? "Ce chèque est valable" : "Ce chèque ne peut pas être utilisé" }
                h("p") { answer.text }
                if model.usable { h("p") { h("a", ["href": SiteURL.places.path]) { "Trouver un lieu où l’utiliser" } } }
                if let next = answer.next { h("p") { next } }
                h("dl") {
                    h("dt") { "Valeur" }; h("dd") { money(status.faceValue) }
                    h("dt") { "Financé par" }; h("dd") { status.funderName + " (" + status.programmeName + ")" }
                    h("dt") { "Dernier jour pour l’utiliser" }; h("dd") { French.date(status.lastDay) }
                }
                Self.help(prescriber: status.prescriberName, contact: contact)
            }
        }

        /// The state said as what it means for the holder, and what to do about it.
        static func answer(_ model: Model) -> (text: String, next: String?) {
            let status = model.status
            let lastDay = French.date(status.lastDay)
            switch status.state {
            case .distributed where model.usable:
                return ("Ce chèque est valable jusqu’au \(lastDay). Vous pouvez l’utiliser dans un lieu partenaire.", nil)
            case .distributed, .expired, .refunded:
                return ("Le dernier jour pour utiliser ce chèque était le \(lastDay). Il ne peut plus être utilisé.", nil)
            case .issued, .allocated:
                return ("Ce chèque n’a pas encore été remis à une personne. Il ne peut pas encore être utilisé.",
                        "Si on vous l’a donné, demandez à la structure qui vous l’a remis de l’enregistrer à votre nom.")
            case .redeemed, .paid:
                let day = status.redeemedOn.map { " le " + French.date($0) } ?? ""
                return ("Ce chèque a déjà été utilisé\(day). Un chèque ne sert qu’une fois.",
                        "Si ce n’est pas vous qui l’avez utilisé, parlez-en à la structure qui vous l’a remis.")
            case .voided:
                let why = switch status.voidReason {
                case "lost", "stolen": "Ce chèque a été déclaré perdu ou volé. Il ne peut plus être utilisé."
                default: "Ce chèque a été annulé. Il ne peut plus être utilisé."
                }
                return (why, "Si vous pensez que c’est une erreur, parlez-en à la structure qui vous l’a remis.")
            }
        }

        static func help(prescriber: String?, contact: String?) -> Node {
            group {
                if prescriber != nil || contact != nil {
                    h("h3") { "Une question ?" }
                    h("ul") {
                        if let prescriber { h("li") { "La structure qui vous a remis le chèque : " + prescriber + "." } }
                        if let contact { h("li") { "Le Pass numérique : "; h("a", ["href": "mailto:" + contact]) { contact } } }
                    }
                }
            }
        }

        /// A check as printed (PassnumPrint's coupon: funder on top, value, number, code, QR code on the right),
        /// with the number and the code marked 1 and 2. Dashed outlines and numbers, not colour, show them.
        static let drawing: Node = h("figure", ["class": "check-drawing"]) {
            .trusted("""
                <svg viewBox="0 0 320 160" width="320" height="160" role="img" aria-labelledby="dessin-cheque">\
                <title id="dessin-cheque">Dessin d’un chèque : le numéro (repère 1) et le code (repère 2) sont à gauche, \
                sous la valeur, à côté du QR code.</title>\
                <rect x="1" y="1" width="318" height="158" rx="6" fill="#fff" stroke="#333" stroke-width="2"/>\
                <text x="12" y="22" font-size="12" font-weight="bold" fill="#333">Nom du financeur</text>\
                <line x1="12" y1="34" x2="308" y2="34" stroke="#999"/>\
                <text x="12" y="70" font-size="24" font-weight="bold" fill="#333">10,00 €</text>\
                <rect x="8" y="80" width="180" height="18" fill="none" stroke="#000" stroke-width="2" stroke-dasharray="4 2"/>\
                <text x="14" y="94" font-size="11" fill="#333">N° 1000 0000 0017</text>\
                <rect x="8" y="102" width="180" height="18" fill="none" stroke="#000" stroke-width="2" stroke-dasharray="4 2"/>\
                <text x="14" y="116" font-size="11" fill="#333">Code 7K2D 9XQ4 MB3R T</text>\
                <circle cx="200" cy="89" r="9" fill="#000"/><text x="200" y="93" font-size="11" fill="#fff" text-anchor="middle">1</text>\
                <circle cx="200" cy="111" r="9" fill="#000"/><text x="200" y="115" font-size="11" fill="#fff" text-anchor="middle">2</text>\
                <text x="12" y="140" font-size="9" fill="#333">Valable jusqu’au …</text>\
                <rect x="226" y="52" width="80" height="80" fill="none" stroke="#333"/>\
                <path d="M234 60h20v20h-20zM278 60h20v20h-20zM234 104h20v20h-20z" fill="#333"/>\
                <text x="266" y="150" font-size="9" fill="#333" text-anchor="middle">QR code</text>\
                </svg>
                """)
            h("figcaption") { "Où trouver le numéro (1) et le code (2) sur le chèque." }
        }
    }
}
