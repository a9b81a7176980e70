import Foundation
import Vapor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One plain-text message to one person.
struct MailMessage: Sendable, Equatable {
    var to: String
    var subject: String
    var body: String
}

/// Sends mail. Messages carry secrets (password reset links): a mailer never writes them to the log.
protocol Mailer: Sendable {
    func send(_ message: MailMessage) async throws
}

/// Until an SMTP mailer exists: appends each message to `.mail/outbox.txt` in the data directory, readable by the
/// server's user only (file 0600, directory 0700), so that the operator can pass a link on by hand. The folder is
/// hidden so that `passnum export` leaves it out: its links are live for an hour.
actor FileMailer: Mailer {
    let file: URL

    init(directory: URL) {
        file = directory.appendingPathComponent("outbox.txt")
    }

    /// The outbox of the installation whose data directory is `dataDirectory`.
    init(dataDirectory: URL) {
        self.init(directory: dataDirectory.appendingPathComponent(".mail", isDirectory: true))
    }

    static let separator = "-----"

    func send(_ message: MailMessage) async throws {
        let directory = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Header fields on one line each: a line break in a value cannot add a field of its own.
        func oneLine(_ text: String) -> String { String(text.map { $0.isNewline ? " " : $0 }) }
        let text = """
            To: \(oneLine(message.to))
            Subject: \(oneLine(message.subject))
            Date: \(Date().ISO8601Format())

            \(message.body)
            \(Self.separator)

            """
        // Created 0600 from the first byte (no window where another user could open it); O_APPEND keeps messages
        // of several servers sharing the directory whole.
        let descriptor = open(file.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw MailError.cannotWrite(path: file.path, errno: errno) }
        defer { close(descriptor) }
        _ = fchmod(descriptor, 0o600)
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw MailError.cannotWrite(path: file.path, errno: errno) }
            written += count
        }
    }
}

enum MailError: Error, CustomStringConvertible {
    case cannotWrite(path: String, errno: Int32)

    var description: String {
        switch self {
        case let .cannotWrite(path, code): "cannot write the mail outbox \(path): \(String(cString: strerror(code)))"
        }
    }
}

extension Application {
    private struct MailerKey: StorageKey { typealias Value = any Mailer }

    /// The platform's mailer: the file outbox of the data directory unless one was set.
    var mailer: any Mailer {
        get { storage[MailerKey.self] ?? FileMailer(dataDirectory: store.configuration.dataDirectory) }
        set { storage[MailerKey.self] = newValue }
    }
}
