import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// `passnum user add`: creates an account from the command line (the first operator admin, for instance) and queues
/// its invitation: the holder chooses their own password through the link, valid 7 days. No password is printed nor
/// taken (a password on a command line stays in the shell's history and shows in `ps`).
struct UserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "add")
        var action: String
        @Option(name: "email", help: "The user's email address, used to sign in and to receive the invitation")
        var email: String?
        @Option(name: "name", help: "The user's name as shown in the pages")
        var name: String?
        @Option(name: "role", help: "operator_admin, funder_manager, prescriber_agent, place_manager or place_agent")
        var role: String?
        @Option(name: "organisation", help: "The funder's, prescriber's or place's id (not for operator_admin)")
        var organisation: Int64?
        @Flag(name: "print-link", help: "Also print the invitation link, for the first operator admin when no mail relay is set up yet")
        var printLink: Bool
    }

    var help: String { "Creates a user and sends the invitation: passnum user add --email E --name N --role R [--organisation ID] [--print-link]" }

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
        let (id, token) = try await context.application.store.invite(email: email, name: name, role: role, organisation: organisation,
                                                                     actor: .system)
        context.console.print("created user \(id): \(email) (\(role.rawValue), \(organisation)); the invitation is queued, valid 7 days")
        // On the terminal of whoever runs the command, on request only: never in the server's log.
        if signature.printLink {
            context.console.print("invitation link: " + context.application.webSettings.publicBaseURL + SiteURL.invitation(token).path)
        }
    }
}
