import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A funder's pages: dashboard and CSV export, programmes, orders, stock and allocation, place affiliations.
enum FunderController {
    static func funder(_ request: Request) throws -> (SessionUser, FunderID) {
        let user = try request.requireUser(.funderManager)
        guard let funder = user.organisation.funder else { throw Abort(.forbidden) }
        return (user, funder)
    }

    // MARK: Dashboard

    @Sendable static func home(_ request: Request) async throws -> Response {
        let (_, funder) = try funder(request)
        let board = try await request.store.dashboard(of: funder)
        let name = try await request.store.name(ofFunder: funder) ?? ""
        let programmes = try await request.store.programmes(of: funder).map(\.programme)
        let today = CivilDate(request.store.clock.now)
        return Layout.response(Layout.page(title: "Tableau de bord", request: request) {
            h("h1") { "Tableau de bord – " + name }
            Layout.notice(request)
            expiryAlerts(programmes, today: today)
            h("ul", ["class": "cards"]) {
                h("li") { h("strong") { "\(board.bookletsIssued)" }; "carnets émis" }
                h("li") { h("strong") { "\(board.bookletsHandedOut)" }; "carnets remis" }
                h("li") { h("strong") { "\(board.bookletsNotHandedOut)" }; "carnets pas encore remis" }
                h("li") { h("strong") { "\(board.bookletsStarted)" }; "carnets entamés (au moins un chèque utilisé)" }
                h("li") { h("strong") { "\(board.checksValidated)" }; "chèques utilisés" }
                h("li") { h("strong") { money(board.amountValidated) }; "montant utilisé" }
                h("li") { h("strong") { "\(board.usagePerMille / 10),\(board.usagePerMille % 10) %" }; "des chèques remis sont utilisés" }
            }
            h("p") { h("a", ["href": SiteURL.funderExport.path, "download": "pass-numerique.csv"]) { "Télécharger ces chiffres (CSV, pour LibreOffice ou Excel)" } }
            h("h2") { "Chèques utilisés par mois" }
            chart(board.byMonth)
            table(caption: "Chèques utilisés par mois", headers: ["Mois", "Chèques", "Montant"],
                  rows: board.byMonth.map { [.text(French.month($0.month)), .text(String($0.checks)), .text(money($0.amount))] })
            h("h2") { "Répartition" }
            table(caption: "Montant utilisé par cofinanceur", headers: ["Cofinanceur", "Montant"],
                  rows: board.byShare.map { [.text($0.label), .text(money($0.amount))] })
            lines("Par prescripteur", board.byPrescriber)
            lines("Par lieu", board.byPlace)
            lines("Par service", board.byCategory.map {
                .init(label: ServiceCategory(code: $0.label).map { French.categoryShort[$0] ?? $0.rawValue } ?? $0.label, checks: $0.checks, amount: $0.amount)
            })
        })
    }

    static func lines(_ caption: String, _ lines: [FunderDashboard.Line]) -> Node {
        table(caption: caption, headers: ["", "Chèques", "Montant"], rows: lines.map { [.text($0.label), .text(String($0.checks)), .text(money($0.amount))] })
    }

    /// A bar chart in SVG, described for screen readers; the same numbers are in the table below it.
    static func chart(_ months: [(month: Month, checks: Int, amount: Money)]) -> Node {
        let width = 640, height = 240, top = 20, bottom = 40, left = 10
        let maximum = max(months.map(\.checks).max() ?? 0, 1)
        let slot = (width - left) / max(months.count, 1)
        return h("svg", ["viewBox": "0 0 \(width) \(height)", "role": "img", "aria-labelledby": "graphique-titre graphique-desc",
                         "xmlns": "http://www.w3.org/2000/svg"]) {
            h("title", ["id": "graphique-titre"]) { "Chèques utilisés par mois" }
            h("desc", ["id": "graphique-desc"]) {
                months.map { "\(French.month($0.month)) : \($0.checks)" }.joined(separator: ", ")
            }
            for (index, month) in months.enumerated() {
                let barHeight = (height - top - bottom) * month.checks / maximum
                let x = left + index * slot + 4
                h("rect", ["x": "\(x)", "y": "\(height - bottom - barHeight)", "width": "\(slot - 8)", "height": "\(barHeight)", "fill": "#000091"])
                h("text", ["x": "\(x + (slot - 8) / 2)", "y": "\(height - bottom - barHeight - 4)", "text-anchor": "middle", "font-size": "13"]) {
                    "\(month.checks)"
                }
                h("text", ["x": "\(x + (slot - 8) / 2)", "y": "\(height - bottom + 18)", "text-anchor": "middle", "font-size": "12"]) {
                    String(French.months[month.month.month - 1].prefix(4)) + "."
                }
            }
        }
    }

    /// The dashboard as CSV: UTF-8 with a byte order mark and semicolons, so LibreOffice and Excel in French
    /// open it with accents and columns right.
    @Sendable static func export(_ request: Request) async throws -> Response {
        let (_, funder) = try funder(request)
        let board = try await request.store.dashboard(of: funder)
        var rows: [[String]] = [["Rubrique", "Libellé", "Chèques", "Montant (€)"]]
        rows.append(["Carnets", "Émis", "\(board.bookletsIssued)", ""])
        rows.append(["Carnets", "Remis", "\(board.bookletsHandedOut)", ""])
        rows.append(["Carnets", "Pas encore remis", "\(board.bookletsNotHandedOut)", ""])
        rows.append(["Carnets", "Entamés", "\(board.bookletsStarted)", ""])
        rows.append(["Chèques", "Remis", "\(board.checksHandedOut)", ""])
        rows.append(["Chèques", "Utilisés", "\(board.checksValidated)", board.amountValidated.plainDecimal])
        rows += board.byShare.map { ["Cofinanceur", $0.label, "", $0.amount.plainDecimal] }
        rows += board.byPrescriber.map { ["Prescripteur", $0.label, "\($0.checks)", $0.amount.plainDecimal] }
        rows += board.byPlace.map { ["Lieu", $0.label, "\($0.checks)", $0.amount.plainDecimal] }
        rows += board.byCategory.map { ["Service", ServiceCategory(code: $0.label)?.rawValue ?? $0.label, "\($0.checks)", $0.amount.plainDecimal] }
        rows += board.byMonth.map { ["Mois", $0.month.description, "\($0.checks)", $0.amount.plainDecimal] }
        let body = FrenchCSV.render(rows)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"pass-numerique.csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    // MARK: Programmes

    struct ProgrammeForm: Content {
        var name: String?
        var faceValue: String?
        var checksPerBooklet: String?
        var validFrom: String?
        var validUntil: String?
        var graceDays: String?
        var departements: String?
        var communes: String?
        var categories: [String]?
        var cofunder1: String?
        var share1: String?
        var cofunder2: String?
        var share2: String?
        var cofunder3: String?
        var share3: String?
        var maxChecks: String?
        var bookletText: String?
    }

    @Sendable static func programmes(_ request: Request) async throws -> Response {
        let (_, funder) = try funder(request)
        let name = try await request.store.name(ofFunder: funder) ?? ""
        let defaults = ProgrammeForm(faceValue: "10", checksPerBooklet: "10", graceDays: "31",
                                     categories: ServiceCategory.allCases.map(\.code), cofunder1: "État", share1: "50", cofunder2: name, share2: "50")
        return try await programmesPage(request, funder: funder, form: defaults, errors: FormErrors())
    }

    static func programmesPage(_ request: Request, funder: FunderID, form: ProgrammeForm, errors: FormErrors) async throws -> Response {
        let programmes = try await request.store.programmes(of: funder)
        return Layout.response(Layout.page(title: "Programmes", request: request) {
            h("h1") { "Programmes" }
            Layout.notice(request)
            table(caption: "Mes programmes", headers: ["Nom", "Valable", "Chèque", "Territoire", "Commandes"], rows: programmes.map { row in
                let terms = row.programme.terms
                let name: Node = row.orders == 0
                    ? h("a", ["href": SiteURL.funderProgramme(row.programme.id.rawValue).path]) { terms.name + " (modifier)" }
                    : .text(terms.name)
                return [name, .text("du \(French.date(terms.validFrom)) au \(French.date(terms.validUntil))"),
                        .text(money(terms.faceValue)), .text(terms.perimeter.departements.map(\.value).joined(separator: ", ")),
                        .text(String(row.orders))]
            })
            h("h2") { "Nouveau programme" }
            programmeForm(request, action: .funderProgrammes, form: form, errors: errors, submit: "Créer le programme")
        })
    }

    static func programmeForm(_ request: Request, action: SiteURL, form: ProgrammeForm, errors: FormErrors, submit: String) -> Node {
        h("form", ["method": "post", "action": action.path, "novalidate": ""]) {
            errors.summary
            csrfField(request)
            field("Nom du programme", name: "name", value: form.name, errors: errors)
            field("Valeur d’un chèque (€)", name: "faceValue", value: form.faceValue, errors: errors, attributes: ["inputmode": "decimal"])
            field("Chèques par carnet", name: "checksPerBooklet", value: form.checksPerBooklet, errors: errors, attributes: ["inputmode": "numeric"])
            field("Premier jour de validité", name: "validFrom", value: form.validFrom, type: "date", errors: errors, hint: "Format AAAA-MM-JJ.")
            field("Dernier jour de validité", name: "validUntil", value: form.validUntil, type: "date", errors: errors, hint: "Format AAAA-MM-JJ.")
            field("Délai de grâce (jours)", name: "graceDays", value: form.graceDays, errors: errors,
                  hint: "Les lieux acceptent encore les chèques remis pendant ce délai après la fin.", attributes: ["inputmode": "numeric"])
            field("Départements", name: "departements", value: form.departements, errors: errors, hint: "Codes séparés par des virgules, par exemple : 59, 62.")
            field("Communes (facultatif)", name: "communes", value: form.communes, errors: errors,
                  hint: "Codes INSEE séparés par des virgules, pour limiter à ces communes.", required: false)
            h("fieldset") {
                h("legend") { "Services payés par les chèques" }
                if let error = errors["categories"] { h("p", ["class": "error", "id": "categories"]) { error } }
                for category in ServiceCategory.allCases {
                    h("div") {
                        h("input", ["type": "checkbox", "id": "cat-" + category.code, "name": "categories[]", "value": category.code,
                                    "checked": (form.categories ?? []).contains(category.code) ? "" : nil])
                        " "
                        h("label", ["for": "cat-" + category.code, "class": "inline-label"]) { category.rawValue }
                    }
                }
            }
            h("fieldset") {
                h("legend") { "Cofinanceurs (le total doit faire 100 %)" }
                if let error = errors["shares"] { h("p", ["class": "error", "id": "shares"]) { error } }
                field("Cofinanceur 1", name: "cofunder1", value: form.cofunder1, errors: errors, required: false)
                field("Part du cofinanceur 1 (%)", name: "share1", value: form.share1, errors: errors, required: false)
                field("Cofinanceur 2", name: "cofunder2", value: form.cofunder2, errors: errors, required: false)
                field("Part du cofinanceur 2 (%)", name: "share2", value: form.share2, errors: errors, required: false)
                field("Cofinanceur 3 (facultatif)", name: "cofunder3", value: form.cofunder3, errors: errors, required: false)
                field("Part du cofinanceur 3 (%)", name: "share3", value: form.share3, errors: errors, required: false)
            }
            field("Nombre maximum de chèques par personne (facultatif)", name: "maxChecks", value: form.maxChecks, errors: errors, required: false)
            field("Texte imprimé sur les chèques (facultatif)", name: "bookletText", value: form.bookletText, errors: errors,
                  hint: "Deux lignes au plus (\(ProgrammeTerms.maximumBookletText) caractères). Par exemple : « Offert par votre Département ».",
                  required: false)
            h("button", ["type": "submit"]) { submit }
        }
    }

    /// The terms a programme form describes, or the errors to show next to its fields.
    static func terms(from form: ProgrammeForm) -> (ProgrammeTerms?, FormErrors) {
        var errors = FormErrors()
        let name = (form.name ?? "").trimmingCharacters(in: .whitespaces)
        if name.isEmpty { errors.add("name", "Donnez un nom au programme.") }
        let face = Money(euros: form.faceValue ?? "")
        if face == nil { errors.add("faceValue", "Indiquez un montant en euros, par exemple 10 ou 10,50.") }
        let perBooklet = Int(form.checksPerBooklet ?? "")
        if perBooklet == nil { errors.add("checksPerBooklet", "Indiquez un nombre entier, par exemple 10.") }
        let from = CivilDate(form.validFrom ?? "")
        if from == nil { errors.add("validFrom", "Indiquez une date entre 2000 et 2100, au format AAAA-MM-JJ.") }
        let until = CivilDate(form.validUntil ?? "")
        if until == nil { errors.add("validUntil", "Indiquez une date entre 2000 et 2100, au format AAAA-MM-JJ.") }
        let grace = Int(form.graceDays ?? "")
        if grace == nil { errors.add("graceDays", "Indiquez un nombre de jours, par exemple 31.") }
        let departementTexts = (form.departements ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map(String.init)
        let departements = departementTexts.compactMap(DepartementCode.init)
        if departements.isEmpty || departements.count != departementTexts.count {
            errors.add("departements", "Indiquez des codes de départements existants, par exemple : 59, 62.")
        }
        let communeTexts = (form.communes ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map(String.init)
        let communes = communeTexts.compactMap(CommuneCode.init)
        if communes.count != communeTexts.count { errors.add("communes", "Un code de commune n’est pas un code INSEE (5 caractères).") }
        let chosen = Set((form.categories ?? []).compactMap(ServiceCategory.init(code:)))
        let categories = ServiceCategory.allCases.filter(chosen.contains)
        if categories.isEmpty { errors.add("categories", "Choisissez au moins un service.") }
        var shares: [CoFundingShare] = []
        for (cofunder, share) in [(form.cofunder1, form.share1), (form.cofunder2, form.share2), (form.cofunder3, form.share3)] {
            let cofunder = (cofunder ?? "").trimmingCharacters(in: .whitespaces)
            let shareText = (share ?? "").trimmingCharacters(in: .whitespaces)
            if cofunder.isEmpty && shareText.isEmpty { continue }
            guard !cofunder.isEmpty, let basisPoints = DecimalText.scaled(shareText, decimals: 2), basisPoints <= 10_000 else {
                errors.add("shares", "Pour chaque cofinanceur, indiquez un nom et une part en %.")
                break
            }
            shares.append(CoFundingShare(cofunder: cofunder, basisPoints: Int(basisPoints)))
        }
        var maximum: Int? = nil
        if let text = form.maxChecks?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            maximum = Int(text)
            if maximum == nil { errors.add("maxChecks", "Indiquez un nombre entier, ou laissez vide.") }
        }
        guard errors.isEmpty, let face, let perBooklet, let from, let until, let grace else { return (nil, errors) }
        return (ProgrammeTerms(name: name, faceValue: face, checksPerBooklet: perBooklet, validFrom: from, validUntil: until,
                               graceDays: grace, perimeter: Perimeter(departements: departements, communes: communes),
                               categories: categories, shares: shares, maxChecksPerBeneficiary: maximum,
                               bookletText: form.bookletText ?? ""), errors)
    }

    static let termFields = ["perimeter": "departements", "maxChecksPerBeneficiary": "maxChecks"]

    @Sendable static func createProgramme(_ request: Request) async throws -> Response {
        let (_, funder) = try funder(request)
        let form = try request.content.decode(ProgrammeForm.self)
        var (terms, errors) = terms(from: form)
        if let terms {
            do {
                _ = try await request.store.createProgramme(funder: funder, terms: terms)
                return request.redirect(to: .funderProgrammes, notice: "Programme créé.")
            } catch let error as DomainError {
                errors.add(error, fields: termFields)
            }
        }
        return try await programmesPage(request, funder: funder, form: form, errors: errors).with(status: .unprocessableEntity)
    }

    // MARK: Editing a programme before its first order

    @Sendable static func showProgramme(_ request: Request) async throws -> Response {
        let (_, funder) = try funder(request)
        let programme = try await ownProgramme(request, funder: funder)
        let terms = programme.terms
        let shares = terms.shares.map { ($0.cofunder, String($0.basisPoints / 100) + ($0.basisPoints % 100 == 0 ? "" : String(format: ",%02d", $0.basisPoints % 100))) }
        func share(_ index: Int) -> (String?, String?) { index < shares.count ? (shares[index].0, shares[index].1) : (nil, nil) }
        let form = ProgrammeForm(
            name: terms.name, faceValue: terms.faceValue.plainDecimal, checksPerBooklet: String(terms.checksPerBooklet),
            validFrom: terms.validFrom.description, validUntil: terms.validUntil.description, graceDays: String(terms.graceDays),
            departements: terms.perimeter.departements.map(\.value).joined(separator: ", "),
            communes: terms.perimeter.communes.map(\.value).joined(separator: ", "), categories: terms.categories.map(\.code),
            cofunder1: share(0).0, share1: share(0).1, cofunder2: share(1).0, share2: share(1).1, cofunder3: share(2).0, share3: share(2).1,
            maxChecks: terms.maxChecksPerBeneficiary.map(String.init), bookletText: terms.bookletText)
        return try await programmePage(request, programme: programme.id, form: form, errors: FormErrors())
    }

    static func ownProgramme(_ request: Request, funder: FunderID) async throws -> Programme {
        try await ownProgramme(ProgrammeID(try request.id()), request: request, funder: funder)
    }

    /// The funder's own programme, or 404: another funder's programme is out of reach.
    static func ownProgramme(_ id: ProgrammeID, request: Request, funder: FunderID) async throws -> Programme {
        guard let programme = try? await request.store.programme(id), programme.funder == funder else { throw Abort(.notFound) }
        return programme
    }

    static func programmePage(_ request: Request, programme: ProgrammeID, form: ProgrammeForm, errors: FormErrors,
                              status: HTTPResponseStatus = .ok) async throws -> Response {
        Layout.response(Layout.page(title: "Modifier le programme", request: request) {
            h("h1") { "Modifier le programme" }
            h("p") { "Un programme peut être modifié tant qu’il n’a aucune commande." }
            programmeForm(request, action: .funderProgramme(programme.rawValue), form: form, errors: errors, submit: "Enregistrer")
            h("p") { h("a", ["href": SiteURL.funderProgrammes.path]) { "Retour aux programmes" } }
        }, status: status)
    }

    @Sendable static func updateProgramme(_ request: Request) async throws -> Response {
        let (_, funder) = try funder(request)
        let programme = try await ownProgramme(request, funder: funder)
        let form = try request.content.decode(ProgrammeForm.self)
        var (terms, errors) = terms(from: form)
        if let terms {
            do {
                try await request.store.updateProgramme(programme.id, of: funder, terms: terms)
                return request.redirect(to: .funderProgrammes, notice: "Programme modifié.")
            } catch let error as DomainError {
                errors.add(error, fields: termFields)
            }
        }
        return try await programmePage(request, programme: programme.id, form: form, errors: errors, status: .unprocessableEntity)
    }

    // MARK: Orders

    struct OrderForm: Content {
        var programme: String?
        var booklets: String?
    }

    @Sendable static func orders(_ request: Request) async throws -> Response {
        let (_, funder) = try funder(request)
        return try await ordersPage(request, funder: funder, form: OrderForm(), errors: FormErrors())
    }

    static func ordersPage(_ request: Request, funder: FunderID, form: OrderForm, errors: FormErrors) async throws -> Response {
        let orders = try await request.store.orders(of: funder)
        let programmes = try await request.store.programmes(of: funder).filter { !$0.programme.expired }
        return Layout.response(Layout.page(title: "Commandes", request: request) {
            h("h1") { "Commandes de carnets" }
            Layout.notice(request)
            table(caption: "Mes commandes", headers: ["N°", "Programme", "Carnets", "Montant", "État", "Étape suivante"], rows: orders.map { order in
                [.text(String(order.summary.id.rawValue)), .text(order.programmeName), .text(String(order.summary.booklets)),
                 .text(money(order.summary.amounts.total)), .text(French.orderState(order.summary.state)), stepForm(request, order.summary)]
            })
            h("h2") { "Nouvelle commande" }
            if programmes.isEmpty {
                h("p") { "Créez d’abord un programme." }
            } else {
                h("form", ["method": "post", "action": SiteURL.funderOrders.path, "novalidate": ""]) {
                    errors.summary
                    csrfField(request)
                    select("Programme", name: "programme", options: programmes.map { (String($0.programme.id.rawValue), $0.programme.terms.name) },
                           selected: form.programme, errors: errors)
                    field("Nombre de carnets", name: "booklets", value: form.booklets, errors: errors, attributes: ["inputmode": "numeric"])
                    h("button", ["type": "submit"]) { "Créer la commande" }
                }
            }
        })
    }

    static func stepForm(_ request: Request, _ order: OrderSummary) -> Node {
        if order.state == .fulfilled {
            return h("ul", ["class": "links"]) {
                h("li") { h("a", ["href": SiteURL.funderBookletsPDF(order.id.rawValue).path]) { "Carnets à imprimer (PDF)" } }
                h("li") { h("a", ["href": SiteURL.funderBookletsCSV(order.id.rawValue).path]) { "Fichier pour un imprimeur (CSV)" } }
            }
        }
        // The funder accepts the quote and may cancel before the invoice; every other step is the operator's.
        let moves = [OrderState.signed, .cancelled].filter { order.state.movers(to: $0).contains(.funder) }
        let waiting: String? = switch order.state {
        case .draft: "En attente du devis de l’opérateur."
        case .signed: "En attente de la facture de l’opérateur."
        case .invoiced: "Facture à payer : la commande est payée quand l’opérateur a reçu tout le virement."
        case .paid: "En attente des carnets, émis par l’opérateur."
        case .quoted, .fulfilled, .cancelled: nil
        }
        guard !moves.isEmpty else { return .text(waiting ?? "—") }
        return group {
            if let waiting { h("p") { waiting } }
            h("form", ["method": "post", "action": SiteURL.funderOrderStep(order.id.rawValue).path, "class": "inline"]) {
                csrfField(request)
                for move in moves {
                    h("button", ["type": "submit", "name": "etape", "value": move.rawValue, "class": move == .cancelled ? "secondary" : nil]) {
                        move == .signed ? "Accepter le devis" : "Annuler la commande"
                    }
                }
            }
        }
    }

    /// The order's booklets, ready to print: written to a temporary file, streamed, then deleted.
    static func booklets(_ request: Request, format: BookletPrinting.Format) async throws -> Response {
        let (_, funder) = try funder(request)
        let order: PrintableOrder
        do {
            order = try await request.store.printableOrder(OrderID(try request.id()), funder: funder)
        } catch DomainError.notFound {
            throw Abort(.notFound)
        } catch DomainError.invalidTransition {
            return request.redirect(to: .funderOrders, notice: "Les carnets existent une fois la commande livrée.")
        }
        // Every serial and security code of the order: readable by this process only, removed once sent.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-print-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw Abort(.internalServerError)
        }
        do {
            _ = try await BookletPrinting.write(order, store: request.store, publicBaseURL: request.application.webSettings.publicBaseURL,
                                                format: format, to: handle)
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        let name = "carnets-commande-\(order.order).\(format == .pdf ? "pdf" : "csv")"
        let response: Response
        do {
            response = try await request.fileio.asyncStreamFile(
                at: path, mediaType: format == .pdf ? .pdf : HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"]),
                onCompleted: { _ in try? FileManager.default.removeItem(atPath: path) })
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }

    @Sendable static func createOrder(_ request: Request) async throws -> Response {
        let (user, funder) = try funder(request)
        let form = try request.content.decode(OrderForm.self)
        var errors = FormErrors()
        let programme = Int64(form.programme ?? "").map(ProgrammeID.init)
        let booklets = Int(form.booklets ?? "")
        if booklets == nil { errors.add("booklets", "Indiquez un nombre de carnets, par exemple 100.") }
        if let programme, let booklets {
            do {
                _ = try await request.store.createOrder(programme: programme, booklets: booklets, actor: Actor(user))
                return request.redirect(to: .funderOrders, notice: "Commande créée.")
            } catch let error as DomainError {
                errors.add(error)
            }
        } else if programme == nil {
            errors.add("programme", "Choisissez un programme.")
        }
        return try await ordersPage(request, funder: funder, form: form, errors: errors).with(status: .unprocessableEntity)
    }

    struct StepForm: Content { var etape: String? }

    @Sendable static func moveOrder(_ request: Request) async throws -> Response {
        let (user, funder) = try funder(request)
        let order = OrderID(try request.id())
        // Another funder's order is not found, whatever the form says (the store checks again when it moves it).
        guard try await request.store.funder(ofOrder: order) == funder else { throw Abort(.notFound) }
        guard let target = try request.content.decode(StepForm.self).etape.flatMap(OrderState.init(rawValue:)) else { throw Abort(.badRequest) }
        do {
            try await request.store.moveOrder(order, to: target, actor: Actor(user))
        } catch DomainError.notFound {
            throw Abort(.notFound)
        } catch let error as DomainError {
            return request.redirect(to: .funderOrders, notice: "Non fait : " + French.message(for: error))
        }
        return request.redirect(to: .funderOrders, notice: "Commande n° \(order) : " + French.orderState(target) + ".")
    }

    // MARK: Stock and allocation

    struct AllocationForm: Content {
        var action: String?
        var programme: String?
        var prescriber: String?
        var booklets: String?
    }

    @Sendable static func stock(_ request: Request) async throws -> Response {
        let (_, funder) = try funder(request)
        return try await stockPage(request, funder: funder, form: AllocationForm(), errors: FormErrors())
    }

    static func stockPage(_ request: Request, funder: FunderID, form: AllocationForm, errors: FormErrors) async throws -> Response {
        let stock = try await request.store.stock(of: funder)
        let prescribers = try await request.store.prescribers()
        return Layout.response(Layout.page(title: "Stock", request: request) {
            h("h1") { "Stock et attribution aux prescripteurs" }
            Layout.notice(request)
            for row in stock {
                h("h2") { row.programmeName }
                h("p") { "Carnets en stock : \(row.inStock)" }
                table(caption: "Carnets chez les prescripteurs – " + row.programmeName, headers: ["Prescripteur", "Carnets attribués", "Quota"],
                      rows: row.byPrescriber.map { [.text($0.prescriber.name), .text(String($0.booklets)), .text($0.quota.map(String.init) ?? "aucun")] })
            }
            if !stock.isEmpty && !prescribers.isEmpty {
                let programmeOptions = stock.map { (String($0.programme.rawValue), $0.programmeName) }
                let prescriberOptions = prescribers.map { (String($0.id), $0.name) }
                h("h2") { "Attribuer des carnets" }
                h("form", ["method": "post", "action": SiteURL.funderStock.path, "novalidate": ""]) {
                    errors.summary
                    csrfField(request)
                    select("Programme", name: "programme", options: programmeOptions, selected: form.programme, errors: errors)
                    select("Prescripteur", name: "prescriber", options: prescriberOptions, selected: form.prescriber, errors: errors)
                    field("Nombre de carnets", name: "booklets", value: form.booklets, errors: errors, attributes: ["inputmode": "numeric"])
                    h("button", ["type": "submit", "name": "action", "value": "allocate"]) { "Attribuer" }
                    h("button", ["type": "submit", "name": "action", "value": "quota", "class": "secondary"]) { "Fixer ce nombre comme quota" }
                }
            }
        })
    }

    @Sendable static func allocate(_ request: Request) async throws -> Response {
        let (user, funder) = try funder(request)
        let form = try request.content.decode(AllocationForm.self)
        var errors = FormErrors()
        let programme = Int64(form.programme ?? "").map(ProgrammeID.init)
        let prescriber = Int64(form.prescriber ?? "").map(PrescriberID.init)
        let booklets = Int(form.booklets ?? "")
        if booklets == nil { errors.add("booklets", "Indiquez un nombre de carnets.") }
        guard let programme, let prescriber else { throw Abort(.badRequest) }
        _ = try await ownProgramme(programme, request: request, funder: funder)
        if let booklets {
            do {
                if form.action == "quota" {
                    try await request.store.setQuota(programme: programme, prescriber: prescriber, booklets: booklets, actor: Actor(user))
                    return request.redirect(to: .funderStock, notice: "Quota enregistré : \(booklets) carnets.")
                }
                try await request.store.allocate(programme: programme, prescriber: prescriber, booklets: booklets, actor: Actor(user))
                return request.redirect(to: .funderStock, notice: "\(booklets) carnet(s) attribué(s).")
            } catch let error as DomainError {
                errors.add(error)
            }
        }
        return try await stockPage(request, funder: funder, form: form, errors: errors).with(status: .unprocessableEntity)
    }

    // MARK: Places

    @Sendable static func places(_ request: Request) async throws -> Response {
        let (_, funder) = try funder(request)
        let rows = try await request.store.affiliations(of: funder)
        let labels: [AffiliationState: String] = [.requested: "Demande en attente", .approved: "Accepté", .refused: "Refusé"]
        return Layout.response(Layout.page(title: "Lieux", request: request) {
            h("h1") { "Lieux qui acceptent mes chèques" }
            Layout.notice(request)
            table(caption: "Demandes des lieux", headers: ["Lieu", "Code postal", "Habilitation", "Ma décision", "Décider"], rows: rows.map { row in
                [.text(row.place.name), .text(row.place.postcode), .text(French.placeState(row.place.state)), .text(labels[row.state] ?? ""),
                 h("form", ["method": "post", "action": SiteURL.funderAffiliation(row.place.id.rawValue).path, "class": "inline"]) {
                     csrfField(request)
                     if row.state != .approved && row.place.state == .qualified {
                         h("button", ["type": "submit", "name": "decision", "value": "approve"]) { "Accepter" }
                     }
                     if row.state != .refused {
                         h("button", ["type": "submit", "name": "decision", "value": "refuse", "class": "secondary"]) { "Refuser" }
                     }
                 }]
            })
        })
    }

    struct DecisionForm: Content { var decision: String? }

    @Sendable static func decideAffiliation(_ request: Request) async throws -> Response {
        let (_, funder) = try funder(request)
        let place = PlaceID(try request.id())
        guard try await request.store.affiliations(of: funder).contains(where: { $0.place.id == place }) else { throw Abort(.notFound) }
        let decision = try request.content.decode(DecisionForm.self).decision
        guard decision == "approve" || decision == "refuse" else { throw Abort(.badRequest) }
        do {
            try await request.store.decideAffiliation(place: place, funder: funder, approve: decision == "approve")
        } catch let error as DomainError {
            return request.redirect(to: .funderPlaces, notice: "Non fait : " + French.message(for: error))
        }
        return request.redirect(to: .funderPlaces, notice: decision == "approve" ? "Lieu accepté." : "Lieu refusé.")
    }
}
