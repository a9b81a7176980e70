import PassnumDomain

/// Said instead of a SEPA file changed on disk since its run wrote it: it must not reach the bank.
enum PayoutFileRefusedPage {
    struct View {
        let context: PageContext

        var document: Node {
            Layout.page(title: "Fichier refusé", context: context) {
                h("h1") { "Fichier de virements refusé" }
                h("p", ["role": "alert"]) {
                    "Ce fichier a été modifié depuis sa création : il ne doit pas être remis à la banque. Prévenez l’équipe technique. "
                        + "Une fois le fichier modifié supprimé, il sera recréé à l’identique."
                }
                h("p") { h("a", ["href": SiteURL.operatorPayouts.path]) { "Retour aux remboursements" } }
            }
        }
    }
}
