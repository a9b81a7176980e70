import Foundation
import PassnumPersistence
import Vapor

/// `passnum export FILE`: writes the whole state (every table, the journal, the data directory's files and the
/// installation secret) to a ZIP archive in the documented format (docs/EXPORT-FORMAT.md).
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "The archive to write (a .zip file; replaced if it exists)")
        var file: String
        @Flag(name: "without-secret", help: "Leave the installation secret out (the importer must then already hold it)")
        var withoutSecret: Bool
    }

    var help: String { "Exports the whole state to a documented archive (docs/EXPORT-FORMAT.md)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let url = URL(fileURLWithPath: signature.file)
        let manifest: ExportManifest
        do {
            manifest = try await context.application.store.export(to: url, includeSecret: !signature.withoutSecret)
        } catch let error as CocoaError {
            throw UsageError.file("write", signature.file, error)
        }
        let rows = manifest.tables.reduce(0) { $0 + $1.rows }
        context.console.print("exported \(manifest.tables.count) tables (\(rows) rows) and \(manifest.files.count) files to \(signature.file)")
        context.console.print("content hash \(manifest.contentHash)")
        if manifest.secret != nil {
            context.console.print("the archive holds the installation secret: keep it as safe as the secret itself")
        }
    }
}

/// `passnum import FILE`: restores an archive written by `passnum export` into an empty database (SQLite or
/// PostgreSQL, whichever this installation uses).
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "An archive written by passnum export")
        var file: String
    }

    var help: String { "Restores an archive written by passnum export into an empty database" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard FileManager.default.isReadableFile(atPath: signature.file) else { throw UsageError("cannot read \(signature.file)") }
        let manifest: ExportManifest
        do {
            manifest = try await context.application.store.importArchive(from: URL(fileURLWithPath: signature.file))
        } catch let error as ArchiveError {
            throw UsageError(error.description)
        }
        let rows = manifest.tables.reduce(0) { $0 + $1.rows }
        context.console.print("imported \(manifest.tables.count) tables (\(rows) rows) and \(manifest.files.count) files, exported from \(manifest.database) on \(manifest.createdAt)")
        context.console.print("content hash \(manifest.contentHash)")
        // The archive's hashes prove it is what was exported; verify proves what was exported was sound.
        let violations = try await context.application.store.verify()
        for violation in violations { context.console.print("FAIL \(violation)") }
        if let first = violations.first { throw VerifyFailed(violation: first) }
        context.console.print("verify: every invariant holds")
    }
}
