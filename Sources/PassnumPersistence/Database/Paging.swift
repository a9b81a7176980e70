import Foundation
import SQLKit

// Keyset pagination, shared by every listing: a page is `… AND (sort…, id) > (cursor) ORDER BY sort…, id LIMIT n + 1`
// on an index, so the hundredth page costs what the first does, in one statement whatever the size of the table.

/// The listings that page by keyset. A cursor names the one it continues: a cursor of another listing is refused.
public enum Listing: String, Sendable, CaseIterable {
    case journal, validations, handOuts, beneficiaries, booklets, invoices, creditNotes, places, affiliations, orders, payouts, checkStates
    case holdings, payoutPreview, funders, programmes
    case mails
    case accounts

    /// The kinds of the sort keys before the id, in order (see each listing's `Keyset`).
    var keys: [Cursor.Key.Kind] {
        switch self {
        case .journal, .booklets, .invoices, .creditNotes, .orders, .checkStates, .mails, .programmes: []
        case .validations, .handOuts, .holdings: [.integer]
        case .places, .payouts, .accounts, .payoutPreview, .funders: [.text]
        case .affiliations: [.integer, .text]
        case .beneficiaries: [.text, .text]
        }
    }
}

/// Where the next page of a listing starts: after the row with these sort keys and this id. Clients see an opaque,
/// URL-safe token and send it back as is.
public struct Cursor: Sendable, Equatable {
    public enum Key: Sendable, Equatable {
        case integer(Int64)
        case text(String)

        enum Kind: Sendable { case integer, text }
    }

    public let listing: Listing
    public let keys: [Key]
    public let id: Int64

    static let maximumTokenLength = 400
    static let maximumTextKeyLength = 200

    init(listing: Listing, keys: [Key], id: Int64) {
        self.listing = listing
        self.keys = keys
        self.id = id
    }

    public var token: String {
        let keys = keys.map { key in
            switch key {
            case .integer(let value): "i" + String(value)
            case .text(let value): "t" + Data(value.utf8).base64URL
            }
        }
        return Data((["k1", listing.rawValue, String(id)] + keys).joined(separator: ".").utf8).base64URL
    }

    /// Reads a token made by `token` for this listing; nil for anything else: malformed, too long, or another
    /// listing's. Bounded: never reads more than `maximumTokenLength` characters.
    public init?(token: String, for listing: Listing) {
        guard (1...Self.maximumTokenLength).contains(token.utf8.count), token.utf8.allSatisfy(\.isBase64URL),
              let data = Data(base64URL: token), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 + listing.keys.count, parts[0] == "k1", parts[1] == listing.rawValue,
              let id = Self.integer(parts[2]), id > 0 else { return nil }
        var keys: [Key] = []
        for (kind, part) in zip(listing.keys, parts.dropFirst(3)) {
            switch (kind, part.first) {
            case (.integer, "i"):
                guard let value = Self.integer(String(part.dropFirst())) else { return nil }
                keys.append(.integer(value))
            case (.text, "t"):
                let encoded = String(part.dropFirst())
                guard encoded.utf8.allSatisfy(\.isBase64URL), let bytes = Data(base64URL: encoded),
                      let value = String(data: bytes, encoding: .utf8), value.count <= Self.maximumTextKeyLength else { return nil }
                keys.append(.text(value))
            default:
                return nil
            }
        }
        self.init(listing: listing, keys: keys, id: id)
    }

    private static func integer(_ text: String) -> Int64? {
        guard (1...20).contains(text.utf8.count) else { return nil }
        return Int64(text)
    }
}

extension UInt8 {
    /// A character of URL-safe base64 (the tokens of cursors): checked before decoding, so nothing else is ever read.
    var isBase64URL: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || self == UInt8(ascii: "-") || self == UInt8(ascii: "_")
    }
}

/// Which page of a listing to read: the rows after `after` (from the start when nil), at most `limit` of them.
public struct PageRequest: Sendable, Equatable {
    public static let defaultLimit = 50
    public static let maximumLimit = 100

    public let after: Cursor?
    /// Always within 1...maximumLimit.
    public let limit: Int

    public init(after: Cursor? = nil, limit: Int = PageRequest.defaultLimit) {
        self.after = after
        self.limit = min(max(limit, 1), Self.maximumLimit)
    }

    public static let first = PageRequest()
}

/// One page of a listing, and where the next one starts (nil on the last page).
public struct Page<Row: Sendable>: Sendable {
    public var rows: [Row]
    public var next: Cursor?

    public init(rows: [Row], next: Cursor?) {
        self.rows = rows
        self.next = next
    }

    public func map<Other>(_ transform: (Row) throws -> Other) rethrows -> Page<Other> {
        Page<Other>(rows: try rows.map(transform), next: next)
    }
}

extension Page: Equatable where Row: Equatable {}

/// How a listing is ordered: its sort expressions then its id expression, all ascending or all descending. The
/// columns `keyColumns` and `idColumn` of each row give the cursor of the row.
struct Keyset {
    let listing: Listing
    /// SQL expressions, one per `listing.keys`.
    let sort: [SQLQueryString]
    let id: SQLQueryString
    let keyColumns: [String]
    let idColumn: String
    let descending: Bool

    init(_ listing: Listing, sort: [SQLQueryString] = [], keyColumns: [String] = [], id: SQLQueryString, idColumn: String = "id",
         descending: Bool) {
        self.listing = listing
        self.sort = sort
        self.keyColumns = keyColumns
        self.id = id
        self.idColumn = idColumn
        self.descending = descending
    }

    /// `(sort…, id) > (…)` (or `<` when descending) for the rows after `cursor`; "1 = 1" on the first page. Row values
    /// compare lexicographically on both databases and use the listing's index.
    func after(_ cursor: Cursor?) -> SQLQueryString {
        guard let cursor, cursor.listing == listing, cursor.keys.count == sort.count else { return "1 = 1" }
        var values: [SQLQueryString] = cursor.keys.map { key in
            switch key {
            case .integer(let value): "\(bind: value)"
            case .text(let value): "\(bind: value)"
            }
        }
        values.append("\(bind: cursor.id)")
        let columns = (sort + [id]).joined(separator: ", ")
        return "(" + columns + ") " + SQLQueryString(descending ? "<" : ">") + " (" + values.joined(separator: ", ") + ")"
    }

    var orderBy: SQLQueryString {
        let direction = descending ? " DESC" : ""
        return " ORDER BY " + (sort + [id]).map { $0 + SQLQueryString(direction) }.joined(separator: ", ")
    }

    func cursor(of row: any SQLRow) throws -> Cursor {
        var keys: [Cursor.Key] = []
        for (kind, column) in zip(listing.keys, keyColumns) {
            switch kind {
            case .integer: keys.append(.integer(try row.int(column)))
            case .text: keys.append(.text(try row.string(column)))
            }
        }
        return Cursor(listing: listing, keys: keys, id: try row.int(idColumn))
    }
}

extension Transaction {
    /// One page of `select` (a `SELECT … WHERE …` whose conditions the cursor's is appended to, with `AND`) in the
    /// keyset's order, then `groupBy` if any. One statement: the limit plus one row tells whether a next page exists.
    func page<Row: Sendable>(_ select: SQLQueryString, groupBy: SQLQueryString = "", keyset: Keyset, _ request: PageRequest,
                             row: (any SQLRow) throws -> Row?) async throws -> Page<Row> {
        let query = select + " AND " + keyset.after(request.after) + groupBy + keyset.orderBy + " LIMIT \(bind: Int64(request.limit + 1))"
        let rows = try await sql.raw(query).all()
        let shown = rows.prefix(request.limit)
        let next = rows.count > request.limit ? try shown.last.map(keyset.cursor(of:)) : nil
        return Page(rows: try shown.compactMap(row), next: next)
    }
}
