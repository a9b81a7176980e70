import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import PassnumApp
import Testing

/// A real SMTP server on loopback for the tests: Tests/smtp/server.py (Python's aiosmtpd, installed by scripts/test).
/// It writes each message it accepts to a maildir, with what Python's own e-mail parser reads of it.
final class SMTPTestServer: @unchecked Sendable {
    // @unchecked: `process` and `port` are only changed by the test that owns the server, one call at a time.
    let directory: URL
    let options: [String]
    private(set) var port = 0
    private var process: Process?

    /// One message as the server received it.
    struct Received: Decodable {
        var mail_from: String
        var rcpt_tos: [String]
        var login: String?
        var tls: Bool
        var headers: [String: String]
        var content_type: String
        var text: String?
        var html: String?
        var defects: [String]
        /// The raw message, as sent over the wire.
        var raw = ""

        enum CodingKeys: String, CodingKey { case mail_from, rcpt_tos, login, tls, headers, content_type, text, html, defects }
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("smtp/server.py")

    /// Starts a server, or records why it cannot (python3 or aiosmtpd missing): a failure in CI, a known issue on a
    /// developer's machine that did not run scripts/test. Returns nil then. Nothing here waits on a process's exit
    /// status (Foundation may never see it when another test reaps children): the server reports through files.
    static func start(_ options: [String] = []) async throws -> SMTPTestServer? {
        let server = SMTPTestServer(options: options)
        do {
            try await server.launch()
        } catch {
            let message = Comment(rawValue: "python3 with aiosmtpd is needed for the SMTP tests (\(error)): run scripts/test, or `python3 -m pip install aiosmtpd==1.4.6`")
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record(message)
            } else {
                withKnownIssue { Issue.record(message) }
            }
            await server.shutdown()
            return nil
        }
        return server
    }

    private init(options: [String]) {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-smtp-\(UUID().uuidString)")
        self.options = options
    }

    private var portFile: URL { directory.appendingPathComponent("port") }

    private func launch() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-W", "ignore", Self.script.path, directory.path, "--port", String(port)] + options
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        // The server writes its port once it answers (up to 20 s on a loaded machine; the certificate takes a moment).
        for _ in 0..<200 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let value = Int(text) {
                port = value
                return
            }
            if let text = try? String(contentsOf: directory.appendingPathComponent("error"), encoding: .utf8) {
                throw SMTPTestServerError(text)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SMTPTestServerError("the SMTP test server did not start (\(Self.script.path))")
    }

    /// The relay's address for `PASSNUM_SMTP_URL`.
    func url(user: String? = nil, password: String? = nil, query: String = "") -> String {
        let credentials = user.map { "\($0):\(password ?? "")@" } ?? ""
        return "smtp://\(credentials)127.0.0.1:\(port)" + (query.isEmpty ? "" : "?" + query)
    }

    var certificate: String { directory.appendingPathComponent("tls/cert.pem").path }

    /// Stops the server (the relay is down); its port stays reserved for `restart`. The server removes its port file
    /// once it no longer listens; after 10 s it is killed.
    func stop() async {
        guard let process else { return }
        self.process = nil
        let pid = process.processIdentifier
        kill(pid, SIGTERM)
        for _ in 0..<100 where FileManager.default.fileExists(atPath: portFile.path) {
            try? await Task.sleep(for: .milliseconds(100))
        }
        if FileManager.default.fileExists(atPath: portFile.path) {
            kill(pid, SIGKILL)
            try? FileManager.default.removeItem(at: portFile)
        }
    }

    /// Starts it again on the same port, writing to the same maildir.
    func restart() async throws {
        await stop()
        try await launch()
    }

    /// Every message received so far, in the order received.
    func received() throws -> [Received] {
        let folder = directory.appendingPathComponent("new")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { $0.hasSuffix(".json") }.sorted().map { name in
            var message = try JSONDecoder().decode(Received.self, from: Data(contentsOf: folder.appendingPathComponent(name)))
            let raw = folder.appendingPathComponent(String(name.dropLast(5)) + ".eml")
            message.raw = String(decoding: try Data(contentsOf: raw), as: UTF8.self)
            return message
        }
    }

    func shutdown() async {
        await stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

struct SMTPTestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
