import PassnumDomain

extension French {
    /// Where a rule of the place application puts its message on the forms (the application's steps and the bank
    /// details page), and the message. Exhaustive, so a new rule cannot reach a user unworded.
    static func formError(_ problem: ApplicationProblem) -> (field: String, message: String) {
        switch problem {
        case .name: ("name", "Indiquez le nom de la structure.")
        case .nameTooLong(let max): ("name", "Le nom de la structure fait \(max) caractères au plus.")
        case .siret(.notFourteenDigits): ("siret", "Le SIRET compte 14 chiffres.")
        case .siret(.badChecksum): ("siret", "Ce SIRET contient une erreur de frappe : vérifiez chaque chiffre.")
        case .phone: ("phone", "Indiquez un numéro de téléphone, par exemple 03 20 00 00 00.")
        case .email: ("email", "Indiquez une adresse e-mail complète.")
        case .website: ("website", "L’adresse du site commence par https://.")
        case .summaryTooLong(let max): ("summary", "La présentation courte fait \(max) caractères au plus.")
        case .noSite: ("siteName0", "Indiquez au moins une adresse.")
        case let .site(position, field): siteError(position: position, field)
        case .firstName: ("firstName", "Indiquez le prénom.")
        case .lastName: ("lastName", "Indiquez le nom.")
        case .role: ("role", "Indiquez la fonction.")
        case .unanswered(let question): ("q\(question)", "Répondez oui ou non.")
        case .noService: ("categories", "Choisissez au moins un service.")
        case .hours(let error):
            ("openingHours", "Ces horaires ne sont pas au bon format (" + error.message + "). Exemple : Mo-Fr 09:00-12:00,14:00-17:00.")
        case .holder: ("holder", "Indiquez le titulaire du compte.")
        case .iban(.badChecksum): ("iban", "Cet IBAN contient une erreur de frappe : vérifiez chaque caractère.")
        case .iban(.badFormat), .iban(.badLength):
            ("iban", "Ce n’est pas un IBAN : il commence par deux lettres (FR) et compte 27 caractères en France.")
        case .bic: ("bic", "Ce n’est pas un BIC : 8 ou 11 lettres et chiffres.")
        }
    }

    private static func siteError(position: Int, _ field: ApplicationProblem.SiteField) -> (field: String, message: String) {
        switch field {
        case .name: ("siteName\(position)", "Indiquez le nom du lieu à cette adresse.")
        case .address: ("address\(position)", "Indiquez l’adresse.")
        case .postcode: ("postcode\(position)", "Le code postal compte 5 chiffres.")
        case .communeName: ("communeName\(position)", "Indiquez la commune.")
        case .communeCode: ("communeCode\(position)", "Le code INSEE compte 5 caractères, par exemple 59350.")
        case .latitude: ("latitude\(position)", "Indiquez une latitude, par exemple 50.6292.")
        case .longitude: ("longitude\(position)", "Indiquez une longitude, par exemple 3.0573.")
        }
    }
}

extension FormErrors {
    /// Every problem of a submission, each next to its field.
    mutating func add(_ problems: ApplicationProblems) {
        for problem in problems.all {
            let (field, message) = French.formError(problem)
            add(field, message)
        }
    }
}
