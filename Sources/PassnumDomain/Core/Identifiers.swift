/// A database identifier tagged with the kind of record it names, so that a funder's ID can never be
/// passed where a place's is expected.
public struct Identifier<Tag>: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int64

    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { String(rawValue) }
}

public enum FunderTag {}
public enum PrescriberTag {}
public enum PlaceTag {}
public enum ProgrammeTag {}
public enum OrderTag {}
public enum BookletTag {}
public enum BeneficiaryTag {}
public enum PayoutTag {}
public enum CreditNoteTag {}
public enum JournalTransactionTag {}

public typealias FunderID = Identifier<FunderTag>
public typealias PrescriberID = Identifier<PrescriberTag>
public typealias PlaceID = Identifier<PlaceTag>
public typealias ProgrammeID = Identifier<ProgrammeTag>
public typealias OrderID = Identifier<OrderTag>
public typealias BookletID = Identifier<BookletTag>
public typealias BeneficiaryID = Identifier<BeneficiaryTag>
public typealias PayoutID = Identifier<PayoutTag>
public typealias CreditNoteID = Identifier<CreditNoteTag>
public typealias JournalTransactionID = Identifier<JournalTransactionTag>
