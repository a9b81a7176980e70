import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// `passnum api-key create --organisation KIND:ID --name N --scopes S,S`: creates a partner API key from the
/// command line (for scripts and the CI fuzzing) and prints it once.
struct ApiKeyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create")
        var action: String
        @Option(name: "organisation", help: "place:ID, prescriber:ID or funder:ID")
        var organisation: String?
        @Option(name: "name", help: "A name to recognise the key")
        var name: String?
        @Option(name: "scopes", help: "Comma-separated: validate (places), read_stock and hand_out (prescribers), read_statistics (funders)")
        var scopes: String?
    }

    var help: String { "Creates an API key: passnum api-key create --organisation place:1 --name N --scopes validate" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "create" else { throw UsageError("unknown action \(signature.action); the only one is: create") }
        let parts = (signature.organisation ?? "").split(separator: ":").map(String.init)
        guard parts.count == 2, let kind = OrganisationKind(rawValue: parts[0]), let id = Int64(parts[1]),
              let organisation = Organisation(kind: kind, id: id) else {
            throw UsageError("--organisation must be place:ID, prescriber:ID or funder:ID")
        }
        let scopes = try (signature.scopes ?? "").split(separator: ",").map { text in
            guard let scope = ApiScope(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
                throw UsageError("unknown scope \(text); use \(ApiScope.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return scope
        }
        do {
            let (key, secret) = try await context.application.store.createApiKey(
                name: signature.name ?? "", scopes: scopes, organisation: organisation, actor: Actor(.commandLine))
            context.console.print("created API key \(key.id) for \(key.organisation) with scopes \(key.scopes.map(\.rawValue).joined(separator: ","))")
            context.console.print(secret)
        } catch let error as DomainError {
            throw UsageError(error.description)
        }
    }
}
