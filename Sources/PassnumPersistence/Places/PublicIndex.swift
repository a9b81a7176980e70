import Foundation
import PassnumDomain
import SQLKit

// The public search index: `public_places` (one row per place the public sees) and `public_sites` (its sites, with
// the columns the search filters on and each site's open-data record). Anonymous reads (finder, places API, open
// data) read only these, a page at a time; every operation that changes what the public sees of a place rebuilds
// that place's rows in its own transaction (`refreshPublicPlace`), and `public_places_version` says when the index
// last changed (the open data's ETag and Last-Modified).

/// When the public index last changed: `version` goes up by one with each change.
public struct PublicIndexVersion: Sendable, Equatable {
    public let version: Int64
    public let changedAt: Date
}

extension Transaction {
    /// Rebuilds the index rows of one place from its own rows. Call it in the transaction of any operation that
    /// changes what the public sees of the place (its state, name, sites, application, services, affiliations).
    func refreshPublicPlace(_ place: PlaceID, at now: Date) async throws {
        try await refreshPublicPlaces([place], at: now)
    }

    /// A funder's programmes changed (created, edited, expired): the places that show its programmes' categories
    /// because they declared none.
    func refreshPublicPlaces(ofFunder funder: FunderID, at now: Date) async throws {
        let places = try await sql.raw("""
            SELECT pp.place_id FROM public_places pp JOIN affiliations a ON a.place_id = pp.place_id
            WHERE a.funder_id = \(bind: funder.rawValue) AND a.state = \(bind: AffiliationState.approved.rawValue)
              AND pp.programme_categories = 1 ORDER BY pp.place_id
            """).all().map { PlaceID(try $0.int("place_id")) }
        try await refreshPublicPlaces(places, at: now)
    }

    /// Places in id order, so that two transactions refreshing several places lock them in the same order; the
    /// version row is bumped once, last, after every place lock.
    func refreshPublicPlaces(_ places: [PlaceID], at now: Date) async throws {
        var changed = false
        var sites: [(code: String?, name: String, postcode: String)] = []
        for place in Set(places).sorted(by: { $0.rawValue < $1.rawValue }) {
            if try await writePublicEntry(try await publicEntry(of: place, lock: true), of: place, sites: &sites) { changed = true }
        }
        // A published site is what teaches the platform a commune's name and postcodes (Places/Communes.swift): once,
        // after every place lock, in code order, so that two refreshes sharing communes lock them in the same order.
        try await recordCommunes(ofSites: sites)
        if changed { try await bumpPublicIndexVersion(at: now) }
    }

    /// Writes the index rows of one place if they differ from what is there; true when something changed. The sites
    /// written are added to `sites`, whose communes the caller records.
    private func writePublicEntry(_ entry: PublicEntry?, of place: PlaceID,
                                  sites: inout [(code: String?, name: String, postcode: String)]) async throws -> Bool {
        let stored = try await sql.raw("SELECT fingerprint FROM public_places WHERE place_id = \(bind: place.rawValue)")
            .first(decodingColumn: "fingerprint", as: String.self)
        let fingerprint = try entry?.fingerprint
        guard stored != fingerprint else { return false }
        try await sql.raw("DELETE FROM public_sites WHERE place_id = \(bind: place.rawValue)").run()
        try await sql.raw("DELETE FROM public_places WHERE place_id = \(bind: place.rawValue)").run()
        guard let entry, let fingerprint else { return true }
        try await sql.raw("""
            INSERT INTO public_places (place_id, listed, name, name_key, category_mask, programme_categories, card, fingerprint)
            VALUES (\(bind: place.rawValue), \(bind: Int64(entry.listed ? 1 : 0)), \(bind: entry.name), \(bind: PlaceSearch.key(entry.name)),
              \(bind: entry.categoryMask), \(bind: Int64(entry.programmeCategories ? 1 : 0)),
              \(bind: String(decoding: try JSONEncoder.sorted.encode(entry.card), as: UTF8.self)), \(bind: fingerprint))
            """).run()
        // A few sites per place; imported places may have more: 50 rows (16 binds each) per statement.
        for chunk in stride(from: 0, to: entry.sites.count, by: 50).map({ Array(entry.sites.enumerated())[$0..<min($0 + 50, entry.sites.count)] }) {
            var values: [SQLQueryString] = []
            for (position, site) in chunk {
                let unit = Coordinates(latitude: site.latitude, longitude: site.longitude).map(PlaceSearch.unitVector)
                let record = try site.openData.map { String(decoding: try JSONEncoder.sorted.encode($0), as: UTF8.self) }
                values.append("""
                    (\(bind: place.rawValue), \(bind: Int64(position)), \(bind: site.name), \(bind: site.address), \(bind: site.postcode),
                     \(bind: site.communeCode), \(bind: site.communeName), \(bind: PlaceSearch.key(site.communeName)), \(bind: site.departement),
                     \(bind: site.latitude), \(bind: site.longitude), \(bind: unit?.x), \(bind: unit?.y), \(bind: unit?.z), \(bind: site.access),
                     \(bind: record))
                    """)
            }
            try await sql.raw("""
                INSERT INTO public_sites (place_id, position, name, address, postcode, commune_code, commune_name, commune_key, departement,
                  latitude, longitude, x, y, z, access, open_data)
                VALUES \(values.joined(separator: ", "))
                """).run()
        }
        sites += entry.sites.map { (code: $0.communeCode, name: $0.communeName, postcode: $0.postcode) }
        return true
    }

    private func bumpPublicIndexVersion(at now: Date) async throws {
        try await sql.raw("""
            INSERT INTO public_places_version (id, version, changed_at) VALUES (1, 1, \(bind: now.millis))
            ON CONFLICT (id) DO UPDATE SET version = public_places_version.version + 1, changed_at = excluded.changed_at
            """).run()
    }

    /// Every place that is public or was, rebuilt from its rows: the migration's backfill and a seeded database's last
    /// step. Place by place (a few statements each).
    func rebuildPublicIndex(at now: Date) async throws {
        try await refreshPublicPlaces(try await publicIndexCandidates(), at: now)
    }

    /// The qualified places and those in the index: the ones whose index rows may have to exist or go.
    func publicIndexCandidates() async throws -> [PlaceID] {
        try await sql.raw("""
            SELECT id FROM places WHERE state = \(bind: PlaceState.qualified.rawValue) UNION SELECT place_id FROM public_places
            """).all().map { PlaceID(try $0.int("id")) }
    }
}

extension Transaction {
    /// The places whose index rows differ from a rebuild from their rows, in id order: the first `shown` of them and how many
    /// in all. The candidates are walked a page at a time with their stored fingerprints, so memory does not grow with the
    /// places; each place is rebuilt in memory from its own rows (`publicEntry`, a few statements) and never written.
    func publicIndexDrift(shown: Int) async throws -> (places: [PlaceID], count: Int) {
        var drifted: [PlaceID] = [], count = 0
        var after: Int64 = 0
        while true {
            let page = try await sql.raw("""
                SELECT c.id, pp.fingerprint FROM (
                  SELECT id FROM places WHERE state = \(bind: PlaceState.qualified.rawValue) AND id > \(bind: after)
                  UNION SELECT place_id AS id FROM public_places WHERE place_id > \(bind: after)) c
                LEFT JOIN public_places pp ON pp.place_id = c.id ORDER BY c.id LIMIT \(unsafeRaw: String(Self.publicIndexPage))
                """).all()
            for row in page {
                let place: PlaceID = try row.id("id")
                if try await publicEntry(of: place)?.fingerprint != row.optionalString("fingerprint") {
                    count += 1
                    if drifted.count < shown { drifted.append(place) }
                }
                after = place.rawValue
            }
            if page.count < Self.publicIndexPage { return (drifted, count) }
        }
    }

    static let publicIndexPage = 500

    /// Part of invariant 7: the public index (finder, places API, open data) is what the places' rows say. Names the
    /// places that drift, as `verifyTallies` names counters.
    func verifyPublicIndex() async throws -> InvariantViolation? {
        let shown = 20
        let (places, count) = try await publicIndexDrift(shown: shown)
        guard count > 0 else { return nil }
        return InvariantViolation(.maintainedTallies, places.map { "the public index of place \($0) differs from its rows" }.joined(separator: "; ")
            + (count > places.count ? "; and \(count - places.count) more" : ""))
    }
}

extension Store {
    /// When the public index last changed (nil before its first change).
    public func publicIndexVersion() async throws -> PublicIndexVersion? {
        try await read { tx in
            try await tx.sql.raw("SELECT version, changed_at FROM public_places_version WHERE id = 1").first().map {
                PublicIndexVersion(version: try $0.int("version"), changedAt: Date(millis: try $0.int("changed_at")))
            }
        }
    }

    /// The places whose index rows differ from a rebuild from their rows (empty when the index is right).
    public func publicIndexDrift() async throws -> [PlaceID] {
        try await read { tx in try await tx.publicIndexDrift(shown: .max).places }
    }

    /// Rebuilds the whole index from the rows (after a bulk load that wrote places without the business operations).
    public func rebuildPublicIndex() async throws {
        let now = clock.now
        try await transaction { tx in try await tx.rebuildPublicIndex(at: now) }
    }
}

/// The migration that builds the index for the places already there.
enum PublicIndexMigration {
    @Sendable static func build(_ tx: Transaction) async throws {
        try await tx.rebuildPublicIndex(at: Date())
    }
}
