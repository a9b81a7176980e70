import Foundation
import PassnumDomain
import SQLKit

extension SQLRow {
    func int(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func optionalInt(_ column: String) throws -> Int64? { try decode(column: column, as: Int64?.self) }
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalString(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func id<Tag>(_ column: String) throws -> Identifier<Tag> { Identifier(try int(column)) }
    func optionalID<Tag>(_ column: String) throws -> Identifier<Tag>? { try optionalInt(column).map(Identifier.init) }

    /// The organisation stored in `organisation_kind` and `organisation_id`; `CorruptValue` when the kind is
    /// unknown or the id does not fit it (missing for a funder, present for the operator).
    func organisation(of table: String) throws -> Organisation {
        let kind = try OrganisationKind(rawValue: try string("organisation_kind")).orThrow("\(table).organisation_kind")
        return try Organisation(kind: kind, id: try optionalInt("organisation_id")).orThrow("\(table).organisation_id")
    }
}

extension Transaction {
    /// Inserts a row and returns its generated id (both databases support RETURNING).
    func insertReturningID(_ query: SQLQueryString) async throws -> Int64 {
        guard let row = try await sql.raw(query + " RETURNING id").first() else {
            throw Inconsistency("the database returned no id")
        }
        return try row.int("id")
    }

    /// The integers from `first` to `last` as a common table expression `series(x)`, for bulk inserts that
    /// generate their rows inside the database instead of shipping them over the connection.
    func series(from first: Int64, to last: Int64) -> SQLQueryString {
        switch kind {
        case .postgres:
            "WITH series(x) AS (SELECT generate_series(CAST(\(bind: first) AS BIGINT), CAST(\(bind: last) AS BIGINT)))"
        case .sqlite:
            "WITH RECURSIVE series(x) AS (SELECT CAST(\(bind: first) AS BIGINT) UNION ALL SELECT x + 1 FROM series WHERE x < \(bind: last))"
        }
    }
}

/// Text fields people type: trimmed, not empty, not too long, without a control character (`ControlCharacters`: the web
/// forms and the API refuse them first; this keeps them out of what the commands and every other caller store).
func requiredText(_ text: String, field: DomainError.Field, maximum: Int = 200) throws(DomainError) -> String {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { throw .invalid(field: field, problem: .empty) }
    guard trimmed.count <= maximum else { throw .invalid(field: field, problem: .tooLong(max: maximum)) }
    guard !ControlCharacters.occur(in: trimmed) else { throw .invalid(field: field, problem: .malformed) }
    return trimmed
}

extension Array where Element == Int64 {
    var binds: [any Encodable & Sendable] { map { $0 as any Encodable & Sendable } }
}

extension Array where Element: StateMachine {
    /// The states as stored, for a guard `state IN (\(binds: transition.from.binds))`.
    var binds: [any Encodable & Sendable] { map { $0.rawValue as any Encodable & Sendable } }
}

/// A value read from the database that does not parse: a bug or a tampered row, never the user's fault, so
/// it is not a `DomainError` (the web layer answers 500 and logs it).
struct CorruptValue: Error, CustomStringConvertible {
    let column: String
    var description: String { "unreadable value in column \(column)" }
}

/// A state the database should never be in (a row changed under a locked run, an insert without an id): a
/// bug, never the user's fault, answered like `CorruptValue`.
struct Inconsistency: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Optional {
    /// The value read from `column`, or `CorruptValue`.
    func orThrow(_ column: String) throws -> Wrapped {
        guard let self else { throw CorruptValue(column: column) }
        return self
    }
}
