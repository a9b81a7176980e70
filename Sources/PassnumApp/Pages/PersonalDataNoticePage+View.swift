import PassnumDomain
import PassnumPersistence

/// The public "Données personnelles" page: the register of processing (docs/PERSONAL-DATA.md) in plain, short French.
enum PersonalDataNoticePage {
    struct View {
        let context: PageContext
        /// The months after the end of a person's last programme before their name is replaced by a number.
        let retentionMonths: Int

        var document: Node {
            Layout.page(title: "Données personnelles", context: context) {
                h("h1") { "Données personnelles" }
                h("p") { "Le Pass numérique garde le moins possible de données sur vous. Voici lesquelles, pourquoi, qui les voit et combien de temps." }

                h("h2") { "Vous recevez des chèques" }
                h("p") { "La structure qui vous aide (par exemple une mairie ou une association) enregistre, avec votre accord :" }
                h("ul") {
                    h("li") { "votre prénom et votre nom, car le carnet de chèques est à votre nom ;" }
                    h("li") { "votre année de naissance, si vous la donnez ;" }
                    h("li") { "votre commune ;" }
                    h("li") { "votre niveau avec le numérique (de 1 à 4). Vos réponses aux questions ne sont pas gardées ;" }
                    h("li") { "les chèques que vous recevez, et le lieu où vous les utilisez." }
                }
                h("p") { "Pourquoi : pour vous donner des chèques et vérifier qu’ils sont utilisés une seule fois. Le financeur paie ces chèques avec de l’argent public." }
                h("p") { "Qui les voit : la structure qui vous aide. Le lieu où vous utilisez un chèque voit seulement son numéro, jamais votre nom. Le financeur voit seulement des nombres." }
                h("p") { "Combien de temps : \(retentionMonths) mois après la fin du programme de vos derniers chèques, votre nom est remplacé par un numéro. Il reste la commune, le niveau et la tranche d’âge, sans nom, pour les statistiques." }

                h("h2") { "Vous avez un compte" }
                h("p") { "Pour les personnes des financeurs, des structures et des lieux : nom, adresse e-mail, rôle, et les actions faites (par exemple « chèque validé »). Les actions sont gardées pour les comptes de l’argent public. Un compte est désactivé quand la personne part." }
                h("p") { "Les lieux donnent aussi le nom de leur responsable, leurs justificatifs et leur IBAN, pour être payés. Seule l’équipe de la plateforme les voit. L’IBAN n’est jamais écrit dans les journaux du serveur." }

                h("h2") { "Ce qui est effacé tout seul" }
                h("ul") {
                    h("li") { "la connexion à votre compte : après \(French.duration(Store.sessionLifetime)), ou plus tôt si vous ne faites rien ;" }
                    h("li") { "un lien pour changer de mot de passe : après \(French.duration(Store.resetLifetime)) ;" }
                    h("li") { "une invitation à créer un compte : après \(French.duration(AccountRules.invitationLifetime)) ;" }
                    h("li") { "les e-mails envoyés par la plateforme : \(French.duration(Store.deliveredMailLifetime)) après l’envoi." }
                }

                h("h2") { "Vos droits" }
                h("p") { "Vous pouvez voir toutes les données gardées sur vous : demandez-les à la structure qui vous aide. Elle vous les imprime." }
                h("p") { "Vous pouvez demander d’effacer vos données quand vous n’avez plus de chèque utilisable : la structure le fait tout de suite." }
                h("p") { "Si vous n’êtes pas d’accord, vous pouvez écrire à la CNIL (www.cnil.fr)." }
            }
        }
    }
}
