import PassnumDomain
import PassnumPersistence

/// The terms of use, in short plain French: what the service is, who may use it and how, the checks' rules.
enum TermsOfUsePage {
    struct View {
        let context: PageContext
        let settings: LegalSettings

        var document: Node {
            Layout.page(title: "Conditions d’utilisation", context: context) {
                h("h1") { "Conditions d’utilisation" }
                h("p") { "Ces conditions s’appliquent à toute personne qui utilise le site Pass numérique." }

                h("h2") { "À quoi sert le site" }
                h("p") {
                    "Le Pass numérique aide des personnes à apprendre le numérique. Des financeurs (départements, communes, CAF…) achètent "
                        + "des chèques. Des structures (mairies, associations…) les donnent aux personnes. Les personnes les utilisent dans des "
                        + "lieux habilités. Le site gère ces chèques et rembourse les lieux."
                }

                h("h2") { "Sans compte" }
                h("p") { "Tout le monde peut, sans compte et gratuitement : vérifier un chèque, chercher un lieu, lire les données ouvertes." }

                h("h2") { "Avec un compte" }
                h("ul") {
                    h("li") { "Un compte est personnel. Ne donnez jamais votre mot de passe. Si quelqu’un d’autre le connaît, changez-le tout de suite." }
                    h("li") { "Utilisez le site seulement pour le travail de votre organisation." }
                    h("li") { "Ce que vous faites est enregistré avec votre nom (par exemple « chèque validé »), car il s’agit d’argent public." }
                    h("li") { "L’opérateur peut suspendre un compte en cas d’abus ou de fraude." }
                }

                h("h2") { "Les chèques" }
                h("ul") {
                    h("li") { "Un chèque s’utilise une seule fois, dans un lieu habilité, avant sa date de fin." }
                    h("li") { "Un chèque n’est pas de l’argent : il ne peut pas être échangé contre des euros." }
                    h("li") { "Un chèque perdu ou volé doit être signalé tout de suite à la structure qui l’a donné : il sera bloqué." }
                    h("li") { "Un lieu est habilité s’il respecte la charte de l’État, par exemple être ouvert au moins 24 heures par semaine. L’opérateur peut faire une exception : il écrit pourquoi." }
                }

                h("h2") { "Disponibilité" }
                h("p") { "L’opérateur fait son possible pour que le site marche tout le temps. Il peut l’arrêter un moment pour le réparer ou le mettre à jour." }

                h("h2") { "Vos données" }
                h("p") { "Voir la page "; h("a", ["href": SiteURL.personalData.path]) { "Données personnelles" }; "." }

                h("h2") { "Questions" }
                h("p") { "Écrivez à l’opérateur : "; LegalText.email(settings.contactEmail, LegalSettings.variables.email) }
                h("p") { "Ces conditions suivent le droit français. Elles peuvent changer : la version en ligne est celle qui s’applique." }
            }
        }
    }
}
