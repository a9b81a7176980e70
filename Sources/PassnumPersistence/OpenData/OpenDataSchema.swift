// The national open-data standard for digital-mediation places, LaMednum "standard-mediation-num" v1.0.2
// (schema.data.gouv.fr). Field names, required fields and patterns are copied from the schema file in
// shared/standards/; `OpenDataTests` checks that they still match it.
enum OpenDataSchema {
    static let version = "1.0.2"
    static let fields: [String] = [
        "id", "pivot", "nom", "commune", "code_postal", "code_insee",
        "adresse", "complement_adresse", "latitude", "longitude", "typologie", "telephone",
        "courriels", "site_web", "horaires", "presentation_resume", "presentation_detail", "source",
        "itinerance", "structure_parente", "date_maj", "services", "publics_specifiquement_adresses", "prise_en_charge_specifique",
        "frais_a_charge", "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels", "modalites_acces", "modalites_accompagnement",
        "fiche_acces_libre", "prise_rdv",
    ]
    static let fieldSet = Set(fields)
    static let required: Set<String> = ["id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj"]
    static let patterns: [String: String] = [
        "pivot": #"^[a-zA-Z0-9]{9,14}$"#,
        "code_postal": #"^\d{5}$"#,
        "code_insee": #"^([013-9]\d|2[AB1-9])\d{3}$"#,
        "telephone": #"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$"#,
        "itinerance": #"(?:(?:^|\|)(Itinérant|Fixe))+$"#,
        "services": #"(?:(?:^|\|)(Aide aux démarches administratives|Maîtrise des outils numériques du quotidien|Insertion professionnelle via le numérique|Utilisation sécurisée du numérique|Parentalité et éducation avec le numérique|Loisirs et créations numériques|Compréhension du monde numérique|Accès internet et matériel informatique|Acquisition de matériel informatique à prix solidaire))+$"#,
        "publics_specifiquement_adresses": #"(?:(?:^|\|)(Jeunes|Étudiants|Familles et/ou enfants|Seniors|Femmes))+$"#,
        "prise_en_charge_specifique": #"(?:(?:^|\|)(Surdité|Handicaps moteurs|Handicaps mentaux|Illettrisme|Langues étrangères \(anglais\)|Langues étrangères \(autres\)|Déficience visuelle))+$"#,
        "frais_a_charge": #"(?:(?:^|\|)(Gratuit|Gratuit sous condition|Payant))+$"#,
        "dispositif_programmes_nationaux": #"(?:(?:^|\|)(Aidants Connect|Bibliothèques numérique de référence|Certification PIX|Conseillers numériques|Emmaüs Connect|France Services|Grande école du numérique|La Croix Rouge|Point d'accès numérique CAF|Promeneurs du net|Relais numérique \(Emmaüs Connect\)))+$"#,
        "formations_labels": #"(?:(?:^|\|)(Formé à « Mon Espace Santé »|Formé à « DUPLEX » \(illettrisme\)|Arnia/MedNum BFC \(Bourgogne-Franche-Comté\)|Collectif ressources et acteurs réemploi \(Normandie\)|Étapes numériques\(La Poste\)|Fabriques de Territoire|Les Éclaireurs du numérique \(Drôme\)|Mes Papiers \(Métropole de Lyon\)|ORDI 3.0|SUD LABS \(PACA\)))+$"#,
        "modalites_acces": #"(?:(?:^|\|)(Se présenter|Téléphoner|Contacter par mail|Prendre un RDV en ligne|Ce lieu n'accueille pas de public|Envoyer un mail avec une fiche de prescription))+$"#,
        "modalites_accompagnement": #"(?:(?:^|\|)(En autonomie|Accompagnement individuel|Dans un atelier collectif|À distance))+$"#,
    ]
}
