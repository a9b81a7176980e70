/// A database identifier tagged with the kind of record it names, so that a funder's ID can never be
/// passed where a place's is expected. A literal (`OrderID(1)` or just `1` where the type is known) is allowed, as
/// in pointfree's Tagged: a literal names no other record, so it cannot be the mix-up the tag prevents.
public struct Identifier<Tag>: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public let rawValue: Int64

    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    // Int rather than Int64, so that `.map(PlaceID.init)` on an Int64 still names one initialiser.
    public init(integerLiteral value: Int) { rawValue = Int64(value) }

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
public enum PayoutBatchTag {}
public enum InvoiceTag {}
public enum ApiKeyTag {}
public enum ServiceTag {}
public enum ServiceSessionTag {}
public enum UserTag {}
public enum PlaceDocumentTag {}
public enum BankDetailsChangeTag {}
public enum DeductionTag {}
public enum RedemptionTag {}
public enum VerifyRunTag {}
public enum PlaceSiteTag {}

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
public typealias PayoutBatchID = Identifier<PayoutBatchTag>
public typealias InvoiceID = Identifier<InvoiceTag>
public typealias ApiKeyID = Identifier<ApiKeyTag>
/// A service a place offers in its catalogue.
public typealias ServiceID = Identifier<ServiceTag>
public typealias ServiceSessionID = Identifier<ServiceSessionTag>
public typealias UserID = Identifier<UserTag>
/// A document a place attached to its application.
public typealias PlaceDocumentID = Identifier<PlaceDocumentTag>
public typealias BankDetailsChangeID = Identifier<BankDetailsChangeTag>
public typealias DeductionID = Identifier<DeductionTag>
/// One validation of a check at a place (a row of `redemptions`).
public typealias RedemptionID = Identifier<RedemptionTag>
public typealias VerifyRunID = Identifier<VerifyRunTag>
/// One of a place's sites (addresses where it receives people).
public typealias PlaceSiteID = Identifier<PlaceSiteTag>
