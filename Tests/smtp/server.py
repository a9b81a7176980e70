#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd), on loopback.

Each message received is written to DIR/new/<time>-<n>.eml (atomically, through DIR/tmp), with a JSON file beside it
holding the envelope (mail_from, rcpt_tos, the login used, whether TLS was on) and the message as Python's own
parser reads it (headers decoded, both parts decoded, defects found): the tests check the client's MIME with a
decoder that is not theirs. Options:
  --port N         listen there (0: pick a free port); the port is written to DIR/port once the server answers
  --reject ADDR    answer 550 to RCPT TO:<ADDR> (repeatable)
  --tempfail ADDR  answer 451 to RCPT TO:<ADDR> (repeatable)
  --auth USER:PASSWORD  offer AUTH PLAIN/LOGIN and require it (allowed without TLS: loopback tests only)
  --tls            offer STARTTLS with a self-signed certificate made in DIR/tls (cert.pem is the test's CA)
Stopped by SIGTERM; started again on the same port with the same DIR, it keeps writing there.
"""
import argparse, email, email.policy, json, os, signal, socket, ssl, subprocess, sys, threading, time

try:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword
except ImportError:  # told to the test through a file: it never waits on this process's exit status
    os.makedirs(sys.argv[1], exist_ok=True)
    with open(os.path.join(sys.argv[1], "error"), "w") as f:
        f.write("aiosmtpd is not installed")
    sys.exit(3)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    def __init__(self, directory, reject, tempfail):
        self.directory, self.reject, self.tempfail = directory, set(reject), set(tempfail)
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if address in self.tempfail:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            name = "%020d-%06d" % (time.time_ns(), self.count)
        auth = getattr(session, "auth_data", None)
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        parts = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
        defects = [str(d) for part in message.walk() for d in part.defects]
        summary = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "login": login, "tls": session.ssl is not None,
                   "headers": {name: str(value) for name, value in message.items()}, "content_type": message.get_content_type(),
                   "text": parts.get("text/plain"), "html": parts.get("text/html"), "defects": defects}
        for suffix, content in ((".json", json.dumps(summary).encode()),
                                (".eml", envelope.original_content)):
            temporary = os.path.join(self.directory, "tmp", name + suffix)
            with open(temporary, "wb") as f:
                f.write(content)
            os.replace(temporary, os.path.join(self.directory, "new", name + suffix))
        return "250 Message accepted for delivery"


def tls_context(directory):
    folder = os.path.join(directory, "tls")
    os.makedirs(folder, exist_ok=True)
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                       check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--tempfail", action="append", default=[])
    parser.add_argument("--auth")
    parser.add_argument("--tls", action="store_true")
    args = parser.parse_args()
    for sub in ("tmp", "new"):
        os.makedirs(os.path.join(args.directory, sub), exist_ok=True)
    port = args.port or free_port()
    options = {}
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, auth_data=auth_data)

        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    if args.tls:
        options.update(tls_context=tls_context(args.directory), require_starttls=False)
    # Handlers first: a SIGTERM that comes while starting still removes the port file on the way out.
    parent = os.getppid()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller = Controller(Handler(args.directory, args.reject, args.tempfail), hostname="127.0.0.1", port=port, **options)
    controller.start()
    with open(os.path.join(args.directory, "port.tmp"), "w") as f:
        f.write(str(port))
    os.replace(os.path.join(args.directory, "port.tmp"), os.path.join(args.directory, "port"))
    while not stop.wait(0.2):
        if os.getppid() != parent:  # the test process died: do not outlive it
            break
    controller.stop()
    os.remove(os.path.join(args.directory, "port"))


if __name__ == "__main__":
    main()
