import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A funder's dashboard and its CSV export.
enum FunderDashboardController {
    @Sendable static func home(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
        let model = try await FunderDashboardPage.Model.query(store: request.store, funder: funder)
        return Layout.response(FunderDashboardPage.View(model: model, context: PageContext(request)).document)
    }

    /// The dashboard as CSV: UTF-8 with a byte order mark and semicolons, so LibreOffice and Excel in French
    /// open it with accents and columns right.
    @Sendable static func export(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
        let board = try await request.store.dashboard(of: funder)
        var rows: [[String]] = [["Rubrique", "Libellé", "Chèques", "Montant (€)"]]
        rows.append(["Carnets", "Émis", "\(board.bookletsIssued)", ""])
        rows.append(["Carnets", "Remis", "\(board.bookletsHandedOut)", ""])
        rows.append(["Carnets", "Pas encore remis", "\(board.bookletsNotHandedOut)", ""])
        rows.append(["Carnets", "Entamés", "\(board.bookletsStarted)", ""])
        rows.append(["Chèques", "Remis", "\(board.checksHandedOut)", ""])
        rows.append(["Chèques", "Utilisés", "\(board.checksValidated)", board.amountValidated.plainDecimal])
        rows += board.byShare.map { ["Cofinanceur", $0.label, "", $0.amount.plainDecimal] }
        rows += board.byPrescriber.map { ["Prescripteur", $0.label, "\($0.checks)", $0.amount.plainDecimal] }
        rows += board.byPlace.map { ["Lieu", $0.label, "\($0.checks)", $0.amount.plainDecimal] }
        rows += board.byCategory.map { ["Service", ServiceCategory(code: $0.label)?.rawValue ?? $0.label, "\($0.checks)", $0.amount.plainDecimal] }
        rows += board.byMonth.map { ["Mois", $0.month.description, "\($0.checks)", $0.amount.plainDecimal] }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"pass-numerique.csv\"")
        // Streamed a few hundred rows at a time: a funder over thousands of places and prescribers never has the whole
        // file built in memory as one string.
        let body = Response.Body(managedAsyncStream: { [rows] writer in
            try await writer.write(.buffer(ByteBuffer(string: FrenchCSV.byteOrderMark)))
            for start in stride(from: 0, to: rows.count, by: 500) {
                try await writer.write(.buffer(ByteBuffer(string: FrenchCSV.lines(rows[start..<min(start + 500, rows.count)]))))
            }
        })
        return Response(status: .ok, headers: headers, body: body)
    }
}
