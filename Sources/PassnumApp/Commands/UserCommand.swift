import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// `passnum user add`: creates an account from the command line (the first operator admin, for instance).
struct UserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "add")
        var action: String
        @Option(name: "email", help: "The user's email address, used to sign in")
        var email: String?
        @Option(name: "name", help: "The user's name as shown in the pages")
        var name: String?
        @Option(name: "role", help: "operator_admin, funder_manager, prescriber_agent, place_manager or place_agent")
        var role: String?
        @Option(name: "organisation", help: "The funder's, prescriber's or place's id (not for operator_admin)")
        var organisation: Int64?
        @Option(name: "password", help: "The password (at least 10 characters); a random one is printed when left out")
        var password: String?
    }

    var help: String { "Creates a user: passnum user add --email E --name N --role R [--organisation ID] [--password P]" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "add" else { throw UsageError("unknown action \(signature.action); the only one is: add") }
        guard let email = signature.email, let name = signature.name, let roleText = signature.role else {
            throw UsageError("--email, --name and --role are required")
        }
        guard let role = Role(rawValue: roleText) else {
            throw UsageError("unknown role \(roleText); use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        // The operator has no id: one given with an operator role is ignored.
        guard let organisation = Organisation(kind: role.organisationKind,
                                              id: role.organisationKind == .operator ? nil : signature.organisation) else {
            throw UsageError("--organisation is required for \(role.rawValue): the id of the \(role.organisationKind.rawValue)")
        }
        let generated = signature.password == nil
        let password = signature.password ?? [UInt8].random(count: 12).base64URL
        do {
            try AccountRules.checkPassword(password)
        } catch {
            throw UsageError("the password must be at least \(AccountRules.minimumPasswordLength) characters")
        }
        let hash = try await context.application.password.async.hash(password)
        let id = try await context.application.store.createUser(email: email, name: name, passwordHash: hash, role: role, organisation: organisation)
        context.console.print("created user \(id): \(email) (\(role.rawValue), \(organisation))")
        if generated { context.console.print("password: \(password)") }
    }
}
