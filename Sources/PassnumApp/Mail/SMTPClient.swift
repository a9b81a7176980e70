import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where mail goes: `PASSNUM_SMTP_URL`, `smtp://user:password@host:587` (STARTTLS when the relay offers it),
/// `smtp://…?starttls=required` (refused without it), `smtps://host:465` (TLS from the first byte). User and password
/// are percent-decoded. `?cafile=/path.pem` trusts that certificate authority instead of the system's (a private
/// relay). The password is never printed: `description` leaves it out.
struct SMTPSettings: Sendable, Equatable, CustomStringConvertible {
    enum Security: Sendable, Equatable {
        /// STARTTLS when offered; credentials then go in clear only to a relay on loopback.
        case startTLSWhenOffered
        case startTLSRequired
        /// smtps://: TLS from the first byte.
        case implicitTLS
    }

    static let variable = "PASSNUM_SMTP_URL"

    var host: String
    var port: Int
    var user: String?
    var password: String?
    var security: Security
    var caFile: String?
    /// Connecting, and waiting for each reply.
    var timeout: TimeAmount = .seconds(30)

    var description: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        return "\(scheme)://\(user.map { "\($0)@" } ?? "")\(host):\(port)"
    }

    /// Reads the setting; a malformed value is refused with a message naming the variable (never its password).
    static func parse(_ text: String) throws(SMTPError) -> SMTPSettings {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)),
              let scheme = components.scheme?.lowercased(), ["smtp", "smtps"].contains(scheme),
              let host = components.host, !host.isEmpty, host.utf8.count <= 253
        else { throw .settings("\(variable) must look like smtp://user:password@host:587 or smtps://host:465") }
        let port = components.port ?? (scheme == "smtps" ? 465 : 587)
        guard (1...65_535).contains(port) else { throw .settings("\(variable): the port must be within 1…65535") }
        var security: Security = scheme == "smtps" ? .implicitTLS : .startTLSWhenOffered
        var caFile: String?
        for item in components.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("starttls", "required"): if security != .implicitTLS { security = .startTLSRequired }
            case ("starttls", "optional"): break
            case ("cafile", let path) where !path.isEmpty: caFile = path
            default: throw .settings("\(variable): unknown option \(item.name) (known: starttls=required, cafile=PATH)")
            }
        }
        let user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        if user != nil, password == nil { throw .settings("\(variable): a user is given without a password") }
        return SMTPSettings(host: host, port: port, user: user, password: password, security: security, caFile: caFile)
    }

    var hostIsLoopback: Bool { ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased()) }
}

/// What went wrong with a relay. `rejected` concerns one message (the session goes on after RSET); the others end
/// the session. Temporary ones (4xx, the relay unreachable or silent) are retried later; 5xx are permanent.
/// Messages hold what the relay answered, never a password.
enum SMTPError: Error, Equatable, CustomStringConvertible {
    case settings(String)
    case rejected(code: Int, text: String)
    case session(String)

    var isPermanent: Bool {
        if case let .rejected(code, _) = self { return code >= 500 }
        return false
    }

    var description: String {
        switch self {
        case let .settings(text), let .session(text): text
        case let .rejected(code, text): "\(code) \(text)"
        }
    }
}

/// A relay's reply: its code and its lines' texts.
struct SMTPReply: Sendable, Equatable {
    var code: Int
    var lines: [String]

    var text: String { lines.joined(separator: " ") }
}

/// Reads replies off the connection, line by line (a multi-line reply is `250-…` lines then `250 …`), and hands each
/// to the one waiting. Lives on the channel's event loop: every method runs there (hence `@unchecked Sendable`).
final class SMTPReplyReader: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    /// A relay that sends endless lines is cut off.
    static let maximumLineLength = 4_096
    static let maximumLines = 200

    private var pending: [UInt8] = []
    private var lines: [String] = []
    private var replies: [SMTPReply] = []
    private var waiting: EventLoopPromise<SMTPReply>?
    private var failure: SMTPError?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard failure == nil else { return }
        var buffer = unwrapInboundIn(data)
        pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        while failure == nil, let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = Array(pending[..<end])
            pending.removeSubrange(...end)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            take(String(decoding: line, as: UTF8.self))
        }
        if pending.count > Self.maximumLineLength {
            fail(.session("the relay sent a line longer than \(Self.maximumLineLength) bytes"))
            context.close(promise: nil)
        }
    }

    private func take(_ line: String) {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)), (200...599).contains(code) else {
            fail(.session("the relay answered something that is not SMTP"))
            return
        }
        let more = bytes.count > 3 && bytes[3] == UInt8(ascii: "-")
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        if lines.count > Self.maximumLines { fail(.session("the relay's reply has too many lines")); return }
        guard !more else { return }
        let reply = SMTPReply(code: code, lines: lines)
        lines = []
        if let waiting {
            self.waiting = nil
            waiting.succeed(reply)
        } else {
            replies.append(reply)
        }
    }

    private func fail(_ error: SMTPError) {
        if failure == nil { failure = error }
        // Nothing read after a failure is used, nor kept: a relay that goes on sending cannot fill the memory.
        pending = []
        lines = []
        replies = []
        waiting?.fail(error)
        waiting = nil
    }

    /// Whether nothing is buffered: right after STARTTLS's answer, bytes already there were sent in clear and must
    /// not be read as answers from inside TLS (a man in the middle's injected replies).
    var isIdle: Bool { pending.isEmpty && lines.isEmpty && replies.isEmpty }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.session("the relay closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.session("connection error: \(error)"))
        context.close(promise: nil)
    }

    /// The next reply, or a failure after `timeout`.
    func next(on eventLoop: any EventLoop, timeout: TimeAmount) -> EventLoopFuture<SMTPReply> {
        eventLoop.preconditionInEventLoop()
        if let failure { return eventLoop.makeFailedFuture(failure) }
        if !replies.isEmpty { return eventLoop.makeSucceededFuture(replies.removeFirst()) }
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        waiting = promise
        let timer = eventLoop.scheduleTask(in: timeout) { [weak self] in
            guard let self, self.waiting?.futureResult === promise.futureResult else { return }
            self.fail(.session("the relay did not answer within \(timeout.nanoseconds / 1_000_000_000) s"))
        }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        return promise.futureResult
    }
}

/// One SMTP session with a relay: greeting, EHLO, STARTTLS, AUTH, then messages one after another, then QUIT.
final class SMTPSession: Sendable {
    let channel: any Channel
    let reader: SMTPReplyReader
    let settings: SMTPSettings

    private init(channel: any Channel, reader: SMTPReplyReader, settings: SMTPSettings) {
        self.channel = channel
        self.reader = reader
        self.settings = settings
    }

    /// Connects, says hello as `helloName`, secures the connection and signs in as the settings say.
    static func open(_ settings: SMTPSettings, helloName: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> SMTPSession {
        let reader = SMTPReplyReader()
        let tls = settings.security == .implicitTLS ? try tlsContext(settings) : nil
        let host = settings.host
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(settings.timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: serverName(host))) }
                        try channel.pipeline.syncOperations.addHandler(reader)
                    }
                }
                .connect(host: host, port: settings.port).get()
        } catch {
            throw SMTPError.session("cannot reach the relay \(settings.host):\(settings.port): \(error)")
        }
        let session = SMTPSession(channel: channel, reader: reader, settings: settings)
        do {
            try await session.start(helloName: helloName)
        } catch {
            try? await channel.close().get()
            throw error
        }
        return session
    }

    private func start(helloName: String) async throws {
        try expect(try await reply(), 220, during: "the greeting")
        var capabilities = try await hello(helloName)
        var secured = settings.security == .implicitTLS
        if !secured, capabilities.contains("STARTTLS") {
            try expect(try await command("STARTTLS"), 220, during: "STARTTLS")
            let tls = try Self.tlsContext(settings)
            let host = settings.host
            let channel = self.channel
            let reader = self.reader
            try await channel.eventLoop.submit {
                guard reader.isIdle else { throw SMTPError.session("the relay sent more than its answer to STARTTLS") }
                try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: Self.serverName(host)), position: .first)
            }.get()
            secured = true
            capabilities = try await hello(helloName)
        }
        if !secured, settings.security == .startTLSRequired {
            throw SMTPError.session("the relay does not offer STARTTLS, which \(SMTPSettings.variable) requires")
        }
        guard let user = settings.user, let password = settings.password else { return }
        // Without TLS, the password would cross the network in clear (or to whoever removed STARTTLS from the reply).
        guard secured || settings.hostIsLoopback else {
            throw SMTPError.session("the relay offers no STARTTLS: the password is not sent in clear (use smtps:// or a relay on loopback)")
        }
        let auth = capabilities.first { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") }.map { $0.dropFirst(5).split(separator: " ").map { $0.uppercased() } } ?? []
        if auth.contains("PLAIN") {
            let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            try expect(try await command("AUTH PLAIN " + token), 235, during: "AUTH PLAIN")
        } else if auth.contains("LOGIN") {
            try expect(try await command("AUTH LOGIN"), 334, during: "AUTH LOGIN")
            try expect(try await command(Data(user.utf8).base64EncodedString()), 334, during: "AUTH LOGIN")
            try expect(try await command(Data(password.utf8).base64EncodedString()), 235, during: "AUTH LOGIN")
        } else {
            throw SMTPError.session("the relay offers neither AUTH PLAIN nor AUTH LOGIN")
        }
    }

    /// EHLO's capabilities, upper-cased ("STARTTLS", "AUTH PLAIN LOGIN", …).
    private func hello(_ name: String) async throws -> [String] {
        let reply = try await command("EHLO " + name)
        try expect(reply, 250, during: "EHLO")
        return reply.lines.dropFirst().map { $0.uppercased() }
    }

    /// Sends one message: `data` is the whole message, CRLF lines (MailMIME). Dot-stuffing is done here.
    func send(from: String, to: String, data: String) async throws {
        for address in [from, to] where !MailAddress.isSafe(address) {
            throw SMTPError.rejected(code: 553, text: "address not acceptable")
        }
        try expect(try await command("MAIL FROM:<\(from)>"), 250, during: "MAIL FROM", oneMessage: true)
        let recipient = try await command("RCPT TO:<\(to)>")
        guard recipient.code == 250 || recipient.code == 251 else { throw Self.failure(recipient, during: "RCPT TO", oneMessage: true) }
        try expect(try await command("DATA"), 354, during: "DATA", oneMessage: true)
        var body = data.split(separator: "\r\n", omittingEmptySubsequences: false).map { $0.hasPrefix(".") ? "." + $0 : String($0) }
        if body.last == "" { body.removeLast() }
        try await write(body.joined(separator: "\r\n") + "\r\n.\r\n")
        try expect(try await reply(), 250, during: "the message", oneMessage: true)
    }

    /// After a refused message: forget it and go on with the next one.
    func reset() async throws {
        try expect(try await command("RSET"), 250, during: "RSET")
    }

    func quit() async {
        _ = try? await command("QUIT")
        try? await channel.close().get()
    }

    func close() async {
        try? await channel.close().get()
    }

    // MARK: Wire

    /// Sends one command line. Errors never quote the line: AUTH lines carry the password.
    private func command(_ line: String) async throws -> SMTPReply {
        try await write(line + "\r\n")
        return try await reply()
    }

    private func write(_ text: String) async throws {
        do {
            try await channel.writeAndFlush(ByteBuffer(string: text)).get()
        } catch {
            throw SMTPError.session("cannot write to the relay: \(error)")
        }
    }

    private func reply() async throws -> SMTPReply {
        let reader = self.reader
        let timeout = settings.timeout
        let eventLoop = channel.eventLoop
        return try await eventLoop.flatSubmit { reader.next(on: eventLoop, timeout: timeout) }.get()
    }

    private func expect(_ reply: SMTPReply, _ code: Int, during step: String, oneMessage: Bool = false) throws {
        guard reply.code == code else { throw Self.failure(reply, during: step, oneMessage: oneMessage) }
    }

    /// A refusal: for one message, a `rejected` error (4xx temporary, 5xx permanent); while setting the session up,
    /// or a 421 (the relay closes), a session error.
    private static func failure(_ reply: SMTPReply, during step: String, oneMessage: Bool) -> SMTPError {
        let text = String(reply.text.prefix(300))
        guard oneMessage, reply.code != 421, reply.code >= 400 else { return .session("\(step): the relay answered \(reply.code) \(text)") }
        return .rejected(code: reply.code, text: "\(step): \(text)")
    }

    private static func tlsContext(_ settings: SMTPSettings) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let file = settings.caFile {
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(file))
            } catch {
                throw SMTPError.settings("\(SMTPSettings.variable): cannot read the certificate authority \(file)")
            }
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw SMTPError.session("cannot set up TLS: \(error)")
        }
    }

    /// The name checked against the relay's certificate (an IP address is checked as such, not sent as SNI).
    private static func serverName(_ host: String) -> String? {
        host.first == "[" || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
    }
}
