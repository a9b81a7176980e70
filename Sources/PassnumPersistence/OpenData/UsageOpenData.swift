import Foundation
import PassnumDomain

/// The public statistics of use as open data: one row per département and month, the same in CSV and JSON, described by
/// a Table Schema (frictionless). Secret cells (`StatisticalSecrecy`) are "secret" in the CSV and null in the JSON, both
/// declared as missing values. Months with nothing are left out.
public enum UsageOpenData {
    struct Field: Sendable {
        let name: String
        let type: String
        let title: String
        let description: String
        var required = true
        /// 0 for the counts and amounts; nil for the codes.
        var minimum: Int? = 0
        var pattern: String? = nil
    }

    static let fields: [Field] = [
        Field(name: "departement", type: "string", title: "Département",
              description: "Code du département du programme qui a financé les chèques (le premier de son territoire).",
              minimum: nil, pattern: "^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$"),
        Field(name: "mois", type: "yearmonth", title: "Mois", description: "Mois civil, heure de Paris (AAAA-MM).", minimum: nil),
        Field(name: "cheques_emis", type: "integer", title: "Chèques émis",
              description: "Chèques émis dans le mois (commande du financeur honorée)."),
        Field(name: "cheques_remis", type: "integer", title: "Chèques remis",
              description: "Chèques remis à une personne dans le mois. Secret de 1 à 4.", required: false),
        Field(name: "cheques_utilises", type: "integer", title: "Chèques utilisés",
              description: "Chèques validés par un lieu dans le mois (une validation annulée ne compte plus). Secret quand les personnes aidées sont secrètes.",
              required: false),
        Field(name: "taux_utilisation", type: "number", title: "Taux d'utilisation (%)",
              description: "Chèques utilisés / chèques remis dans le mois, en pourcentage à une décimale. Peut dépasser 100 : un chèque remis un mois peut être utilisé plus tard. Secret quand les chèques remis ou les personnes aidées sont secrets.",
              required: false),
        Field(name: "personnes_aidees", type: "integer", title: "Personnes aidées",
              description: "Personnes distinctes dont au moins un chèque a été validé dans le mois. Secret de 1 à 4.", required: false),
        Field(name: "lieux_actifs", type: "integer", title: "Lieux actifs",
              description: "Lieux distincts ayant validé au moins un chèque dans le mois."),
        Field(name: "montant_lieux_euros", type: "number", title: "Montant pour les lieux (€)",
              description: "Valeur des chèques utilisés dans le mois, payée aux lieux au remboursement mensuel suivant, en euros. Secret quand les personnes aidées sont secrètes.",
              required: false),
    ]

    static let secret = "secret"

    /// The Table Schema (https://specs.frictionlessdata.io/table-schema/), made once.
    public static let schema: String = {
        let object: [String: Any] = [
            "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
            "title": "Pass numérique : utilisation des chèques par département et par mois",
            "description": "Secret statistique : un nombre de personnes aidées de 1 à 4 est masqué, ainsi que les chèques utilisés, le montant et le taux de la même ligne ; un nombre de chèques remis de 1 à 4 est masqué, ainsi que le taux.",
            "fields": fields.map { field -> [String: Any] in
                var constraints: [String: Any] = [:]
                if field.required { constraints["required"] = true }
                if let minimum = field.minimum { constraints["minimum"] = minimum }
                if let pattern = field.pattern { constraints["pattern"] = pattern }
                return ["name": field.name, "type": field.type, "title": field.title, "description": field.description, "constraints": constraints]
            },
            "primaryKey": ["departement", "mois"],
            "missingValues": ["", secret],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }()

    /// The published values of a row, nil where secret, in the order of `fields`.
    static func values(_ row: UsageRow) -> [String?] {
        let published = StatisticalSecrecy.publish(row.figures)
        return [
            row.departement.value, row.month.description, String(published.issued), published.handedOut.map(String.init),
            published.used.map(String.init), published.usageRate.map { "\($0 / 10).\($0 % 10)" }, published.people.map(String.init),
            String(published.places), published.amount?.dotDecimal,
        ]
    }

    /// CSV: UTF-8, comma-separated, header first, CRLF line ends.
    public static func csv(_ rows: [UsageRow]) -> String {
        (fields.map(\.name).joined(separator: ",") + "\r\n")
            + rows.map { values($0).map { $0 ?? secret }.joined(separator: ",") + "\r\n" }.joined()
    }

    /// JSON: an array of objects, numbers as numbers, secret cells null.
    public static func json(_ rows: [UsageRow]) -> String {
        let numeric = Set(fields.filter { $0.type == "integer" || $0.type == "number" }.map(\.name))
        let objects = rows.map { row in
            "{" + zip(fields, values(row)).map { field, value in
                "\"\(field.name)\":" + (value.map { numeric.contains(field.name) ? $0 : "\"\($0)\"" } ?? "null")
            }.joined(separator: ",") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    /// The witnesses as published: "jour,empreinte" then one line a day, oldest first (what `passnum verify --against`
    /// reads).
    public static func witnessesCSV(_ witnesses: [PublishedWitness]) -> String {
        "jour,empreinte,sequences\r\n" + witnesses.sorted { $0.day < $1.day }.map {
            "\($0.day),\($0.hash),\($0.sequences.map(String.init).joined(separator: " "))\r\n"
        }.joined()
    }
}
