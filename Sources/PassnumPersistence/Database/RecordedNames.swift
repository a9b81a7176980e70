import Foundation
import PassnumDomain

/// The names and reasons the platform writes itself into its records (actors, decisions), written and read back here
/// only: the pages name them in French from `RecordedActor` and `RecordedReason`, and the records keep the text as
/// written (the journal's hashes cover it).
extension Actor {
    /// The platform's own processes, by the name they act under.
    public enum Process: String, CaseIterable, Sendable {
        case system
        /// `passnum verify` and `passnum payouts`.
        case cli
        /// `passnum api-key create`.
        case commandLine = "command line"
        /// The scheduled expiry and subscription tasks.
        case tick
        /// The scheduled pseudonymisation of personal data.
        case purge
        case demo
    }

    public init(_ process: Process, organisation: Organisation? = nil) {
        self.init(process.rawValue, organisation: organisation)
    }

    /// A partner's API key.
    public static func apiKey(_ id: ApiKeyID) -> Actor { Actor("api key \(id)") }

    /// A place, for what it gave itself when no person is named (its record, its application's bank step).
    public static func place(_ id: PlaceID) -> Actor { Actor("place \(id)", organisation: .place(id)) }

    /// `passnum import-places FILE`.
    public static func placeImport(file: String) -> Actor { Actor("import-places \(file)") }
}

/// Who a recorded actor's name stands for.
public enum RecordedActor: Equatable, Sendable {
    case process(Actor.Process)
    case apiKey(Int64)
    case place(Int64)
    case placeImport(file: String)
    /// A person (their address) or any other name, as written.
    case named(String)

    public init(_ name: String) {
        if let process = Actor.Process(rawValue: name) {
            self = .process(process)
        } else if let id = Self.number(in: name, after: "api key ") {
            self = .apiKey(id)
        } else if let id = Self.number(in: name, after: "place ") {
            self = .place(id)
        } else if name.hasPrefix("import-places ") {
            self = .placeImport(file: String(name.dropFirst("import-places ".count)))
        } else {
            self = .named(name)
        }
    }

    private static func number(in name: String, after prefix: String) -> Int64? {
        name.hasPrefix(prefix) ? Int64(name.dropFirst(prefix.count)) : nil
    }
}

/// The reasons the platform writes itself (a bank change, a place's state): `text` is what is stored.
public enum RecordedReason: Equatable, Sendable {
    /// Bank details proposed by a place's application.
    case bankStep
    /// Bank details given with a place's record (`createPlace`).
    case placeRecord
    /// A pending bank change dropped for a newer one.
    case supersededProposal
    /// A place imported from an open-data file.
    case imported
    /// Imported, but open fewer hours than the charter asks (`minutes` a week; nil when its hours could not be read).
    case importedWaiting(minutes: Int64?)

    public var text: String {
        switch self {
        case .bankStep: "bank step of the place's application"
        case .placeRecord: "given with the place's record"
        case .supersededProposal: "replaced by a newer proposal"
        case .imported: "imported from an open-data file"
        case .importedWaiting(let minutes):
            Self.imported.text + "; " + (minutes.map { "opens \($0 / 60) h \($0 % 60) min a week" } ?? "hours unreadable")
                + ", below the charter's 24 hours: waiting for review"
        }
    }

    /// The reason a stored text is, nil for one a person typed.
    public init?(_ text: String) {
        for reason in [Self.bankStep, .placeRecord, .supersededProposal, .imported, .importedWaiting(minutes: nil)] where reason.text == text {
            self = reason
            return
        }
        guard let match = text.wholeMatch(of: /imported from an open-data file; opens (\d+) h (\d+) min a week, below the charter's 24 hours: waiting for review/),
              let hours = Int64(match.1), let minutes = Int64(match.2), minutes < 60
        else { return nil }
        self = .importedWaiting(minutes: hours * 60 + minutes)
    }
}
