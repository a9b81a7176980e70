import PassnumDomain
import PassnumPersistence

extension DiagnosticGridPage {
    struct View {
        let model: Model
        let context: PageContext
        let form: Form
        var errors = FormErrors()

        var document: Node {
            let programme = model.programme
            let grid = programme.diagnosticGrid
            return Layout.page(title: "Grille du diagnostic", context: context) {
                h("h1") { "Grille du diagnostic – " + programme.terms.name }
                Layout.notice(context)
                h("p") {
                    "Le diagnostic compte de 0 à \(DiagnosticGrid.maximumScore) points (\(Diagnostic.questions.count) questions : "
                        + "0 pour « Non », 1 pour « Avec de l’aide », 2 pour « Oui, seul »). Les points donnent le niveau, "
                        + "et le niveau le nombre de chèques conseillé."
                }
                table(caption: "Grille en vigueur", headers: ["Niveau", "Points", "Chèques conseillés"], rows: Diagnostic.levels.map { level in
                    let low = level == 1 ? 0 : grid.ceilings[level - 2] + 1
                    let high = level == Diagnostic.levels.upperBound ? DiagnosticGrid.maximumScore : grid.ceilings[level - 1]
                    return [.text("\(level)"), .text("de \(low) à \(high)"),
                            .text(String(grid.recommendedChecks(level: level, minimum: programme.terms.minChecksPerBeneficiary,
                                                                maximum: programme.terms.maxChecksPerBeneficiary)))]
                })
                if model.editable {
                    h("h2") { "Modifier la grille" }
                    h("p") { "Vous pouvez la modifier jusqu’à la première remise de chèques de ce programme." }
                    postForm(.funderDiagnosticGrid(programme.id), context, errors: errors) {
                        h("fieldset") {
                            h("legend") { "Points les plus hauts de chaque niveau (le niveau 4 va jusqu’à \(DiagnosticGrid.maximumScore))" }
                            for index in form.ceilings.indices {
                                field("Niveau \(index + 1) : jusqu’à", name: Form.ceilingField(index), value: form.ceilings[index], errors: errors,
                                      attributes: ["inputmode": "numeric"])
                            }
                        }
                        h("fieldset") {
                            h("legend") { "Chèques conseillés pour chaque niveau (" + bounds + ")" }
                            for index in form.recommended.indices {
                                field("Niveau \(index + 1)", name: Form.recommendedField(index), value: form.recommended[index], errors: errors,
                                      attributes: ["inputmode": "numeric"])
                            }
                        }
                        h("button", ["type": "submit"]) { "Enregistrer la grille" }
                    }
                } else {
                    h("p") {
                        "Des chèques de ce programme ont déjà été remis : la grille ne peut plus changer, "
                            + "pour que les niveaux de toutes les personnes restent comparables."
                    }
                }
                h("p") { h("a", ["href": SiteURL.funderProgrammes.path]) { "Retour aux programmes" } }
            }
        }

        var bounds: String {
            let terms = model.programme.terms
            return "entre \(terms.minChecksPerBeneficiary ?? 1) et \(terms.maxChecksPerBeneficiary ?? DiagnosticGrid.largestRecommendation)"
        }
    }
}
