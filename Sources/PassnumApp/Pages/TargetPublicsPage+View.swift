import PassnumDomain
import PassnumPersistence

extension TargetPublicsPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            let programme = model.programme
            return Layout.page(title: "Publics visés", context: context) {
                h("h1") { "Publics visés – " + programme.terms.name }
                Layout.notice(context)
                h("p") {
                    "Cochez les publics que ce programme veut aider. À la remise des chèques, le prescripteur pourra dire "
                        + "si la personne fait partie de l’un d’eux. Le relevé de cofinancement compte alors les chèques de chaque public."
                }
                postForm(.funderTargetPublics(programme.id), context, errors: FormErrors()) {
                    h("fieldset") {
                        h("legend") { "Publics visés (aucun si rien n’est coché)" }
                        for targetPublic in TargetPublic.allCases {
                            choice("checkbox", id: "public-" + targetPublic.rawValue, name: TargetPublicsPage.field, value: targetPublic.rawValue,
                                   label: French.targetPublic(targetPublic),
                                   ["checked": programme.targetPublics.contains(targetPublic) ? "" : nil])
                        }
                    }
                    h("button", ["type": "submit"]) { "Enregistrer les publics" }
                }
                h("p") {
                    "Vous pouvez changer cette liste à tout moment. Les chèques déjà remis gardent le public noté à leur remise."
                }
                h("p") { h("a", ["href": SiteURL.funderProgrammes.path]) { "Retour aux programmes" } }
            }
        }
    }
}
