#!/usr/bin/env python3
"""The restore drill (docs/BACKUP.md), run by Tests/backup/run inside two throwaway PostgreSQL 15 clusters.

For PostgreSQL, then SQLite: a server on the demo dataset (validations, a paid payout month); `passnum backup` taken
while a second process (`passnum load-validations`) keeps validating through the server's API; that backup restored
by `passnum restore` into a new database of ANOTHER cluster (SQLite: a new data directory), which checks the manifest's
row counts and journal heads; `passnum verify` on it. Then, once the load is over (no writes), a second backup, the
pages compared: the operator's home, the journal page, a place's statement and /api/v1/statistics fetched from the
original server and from a server on the restore, with the same session cookies and API key (they live in the
database and the secret of the data directory), must be equal once the per-response CSRF token and nonce are set
aside. "Same figures" thus means: the restore's pages are the original's at the instant of the backup, byte for byte
in <main> (the JSON, whole).

Needs .build/debug/passnum (scripts/test builds it), BACKUP_SOURCE_SERVER_URL (the first cluster) and
PASSNUM_POSTGRES_SERVER_URL (the second). Prints one summary line per database.
"""
import json
import os
import re
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.path.join(ROOT, ".build", "debug", "passnum")
PSQL = "/usr/lib/postgresql/15/bin/psql"
SETTINGS = {
    "PASSNUM_OPERATOR_NAME": "Operateur de l'exercice", "PASSNUM_OPERATOR_IBAN": "FR7630006000011234567890189",
    "PASSNUM_OPERATOR_BIC": "AGRIFRPP", "PASSNUM_API_LIMITS": "1000000/1000000/60",
    # No scheduled job writes while pages are compared.
    "PASSNUM_JOBS": "off",
}


def fail(message):
    raise SystemExit("backup drill: " + message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster given as postgres://postgres@127.0.0.1:PORT/postgres?tlsmode=disable."""

    def __init__(self, url):
        self.url = url
        self.port = re.search(r"@127\.0\.0\.1:(\d+)/", url).group(1)

    def sql(self, database, statement):
        return subprocess.run([PSQL, "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "-d", database, "-X", "-At",
                               "-v", "ON_ERROR_STOP=1", "-c", statement], capture_output=True, text=True, check=True).stdout.strip()

    def new_database(self, name):
        self.sql("postgres", f"CREATE DATABASE {name}")
        return self.url.replace("/postgres?", f"/{name}?")


class Installation:
    """A data directory and, on PostgreSQL, a database: what `passnum` commands and a server run on."""

    def __init__(self, data_dir, database_url=None, cluster=None, database=None):
        self.data_dir, self.database_url, self.cluster, self.database = data_dir, database_url, cluster, database

    def env(self, **extra):
        env = dict(os.environ, **SETTINGS, **extra)
        env.pop("DATABASE_URL", None)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def passnum(self, *arguments, check=True):
        done = subprocess.run([BINARY, *arguments, "--data-dir", self.data_dir], env=self.env(), capture_output=True, text=True, timeout=600)
        if check and done.returncode != 0:
            fail(f"passnum {' '.join(arguments)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def count(self, table):
        if self.cluster:
            return int(self.cluster.sql(self.database, f"SELECT count(*) FROM {table}"))
        with sqlite3.connect(f"file:{os.path.join(self.data_dir, 'passnum.sqlite')}?mode=ro", uri=True) as db:
            return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


class Server:
    def __init__(self, installation, log):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "wb")
        self.process = subprocess.Popen(
            [BINARY, "serve", "--data-dir", installation.data_dir, "--hostname", "127.0.0.1", "--port", str(self.port)],
            env=installation.env(PASSNUM_PUBLIC_URL=self.url), stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url + "/style.css", timeout=2).read()
                return
            except (urllib.error.URLError, ConnectionError):
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        fail(f"the server did not start; see {log}")

    def get(self, path, headers):
        request = urllib.request.Request(self.url + path, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as answer:
            # A lost session would end on the sign-in page, the same on both sides: that would compare nothing.
            if urllib.parse.urlsplit(answer.geturl()).path != urllib.parse.urlsplit(self.url + path).path:
                fail(f"{path} was redirected to {answer.geturl()}")
            return answer.read().decode()

    def sign_in(self, email, password):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        page = opener.open(self.url + "/connexion", timeout=30).read().decode()
        token = re.search(r'name="_csrf" value="([^"]*)"', page).group(1)
        form = urllib.parse.urlencode({"email": email, "password": password, "_csrf": token}).encode()
        answer = opener.open(self.url + "/connexion", data=form, timeout=30)
        if "/connexion" in answer.geturl():
            fail(f"sign-in of {email} failed")
        jar = opener.handlers[[type(h) for h in opener.handlers].index(urllib.request.HTTPCookieProcessor)].cookiejar
        return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in jar)}

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def comparable(body):
    """A page's <main> without what each response makes anew (CSRF token, CSP nonce); JSON as parsed."""
    if body.lstrip().startswith("{"):
        return json.loads(body)
    main = re.search(r"<main[\s\S]*</main>", body)
    if not main:
        fail("a page has no <main>: " + body[:300])
    return re.sub(r'(name="_csrf" value|nonce)="[^"]*"', r'\1=""', main.group(0))


def manifest(directory):
    with open(os.path.join(directory, "manifest.json")) as f:
        return json.load(f)


def check_private(directory):
    """The backup holds the secret and personal data: 0700 folders, 0600 files."""
    for folder, folders, files in os.walk(directory):
        if os.stat(folder).st_mode & 0o777 != 0o700:
            fail(f"{folder} has mode {oct(os.stat(folder).st_mode & 0o777)}, not 0700")
        for name in files:
            mode = os.stat(os.path.join(folder, name)).st_mode & 0o777
            if mode != 0o600:
                fail(f"{os.path.join(folder, name)} has mode {oct(mode)}, not 0600")


def drill(kind, work, source_cluster, target_cluster):
    def installation(name, cluster):
        data_dir = os.path.join(work, name)
        if kind == "sqlite":
            return Installation(data_dir)
        database = "drill_" + name.replace("-", "_")
        return Installation(data_dir, cluster.new_database(database), cluster, database)

    original = installation("original", source_cluster)
    demo = original.passnum("demo").stdout
    password = re.search(r"Demo logins \(password ([^)]+)\)", demo).group(1)
    logins = dict((role, email) for role, email in reversed(re.findall(r"^\s+(\w+): (\S+@\S+)$", demo, re.M)))
    key = original.passnum("api-key", "create", "--organisation", "funder:1", "--name", "drill", "--scopes", "read_statistics").stdout.strip().splitlines()[-1]
    server = Server(original, os.path.join(work, "original.log"))
    try:
        operator = server.sign_in(logins["operator_admin"], password)
        place = server.sign_in(logins["place_manager"], password)
        statements = re.findall(r'href="(/lieu/releves/\d+)"', server.get("/lieu/remboursements", place))
        if not statements:
            fail("the place's payouts page links to no statement")
        pages = [("/operateur", operator), ("/operateur/journal", operator), (statements[0], place),
                 ("/api/v1/statistics", {"Authorization": "Bearer " + key})]

        # 1. A backup while a client validates.
        ready = os.path.join(work, "load-ready")
        before = original.count("redemptions")
        load = subprocess.Popen([BINARY, "load-validations", "--data-dir", original.data_dir, "--url", server.url, "--connections", "4",
                                 "--seconds", "8", "--checks", "2000", "--ready-file", ready],
                                env=original.env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        while not os.path.exists(ready):
            if load.poll() is not None:
                fail("load-validations stopped before its load: " + load.stdout.read())
            time.sleep(0.1)
        time.sleep(2)
        during = os.path.join(work, "backup-during-writes")
        original.passnum("backup", "--out", during)
        output, _ = load.communicate(timeout=120)
        if load.returncode != 0:
            fail("load-validations failed: " + output)
        after = original.count("redemptions")
        backed_up = manifest(during)["facts"]["tables"]["redemptions"]
        if not before < backed_up < after:
            fail(f"the backup was not taken during the validations: {before} redemptions before, {backed_up} in the backup, {after} after")
        check_private(during)

        # 2. A backup with writes paused, and the original's pages at that instant.
        quiet = os.path.join(work, "backup-quiet")
        original.passnum("backup", "--out", quiet)
        expected = [comparable(server.get(path, headers)) for path, headers in pages]
    finally:
        server.stop()

    # The first backup restored elsewhere: restore compares its counts and journal heads with the manifest's; verify.
    restored = installation("restored", target_cluster)
    summary = restored.passnum("restore", "--from", during).stdout
    if "row counts and journal heads equal to the backup's" not in summary:
        fail("restore did not confirm the backup's figures: " + summary)
    if restored.count("redemptions") != backed_up:
        fail("the restore has another number of redemptions than its backup")
    restored.passnum("verify")  # exits non-zero, and so fails the drill, on any violation
    rows = int(re.search(r"restored (\d+) rows", summary).group(1))

    # Refusals: a non-empty target, a damaged backup.
    refused = restored.passnum("restore", "--from", during, check=False)
    if refused.returncode == 0 or "not empty" not in refused.stderr:
        fail("restore into a non-empty target was not refused: " + refused.stdout + refused.stderr)
    damaged = os.path.join(work, "damaged")
    subprocess.run(["cp", "-a", quiet, damaged], check=True)
    with open(os.path.join(damaged, "files", "installation-secret.key"), "r+b") as f:
        first = f.read(1)
        f.seek(0)
        f.write(bytes([first[0] ^ 1]))
    refused = installation("refused", target_cluster).passnum("restore", "--from", damaged, check=False)
    if refused.returncode == 0 or "damaged" not in refused.stderr:
        fail("a damaged backup was not refused: " + refused.stdout + refused.stderr)

    # The quiet backup restored: the same pages, before anything (verify included) writes to it.
    copy = installation("restored-quiet", target_cluster)
    copy.passnum("restore", "--from", quiet)
    server = Server(copy, os.path.join(work, "restored.log"))
    try:
        found = [comparable(server.get(path, headers)) for path, headers in pages]
    finally:
        server.stop()
    for (path, _), want, got in zip(pages, expected, found):
        if not re.search(r"\d", str(want)):
            fail(f"{path} shows no figure to compare")
        if want != got:
            fail(f"{path} differs on the restore:\n--- original\n{str(want)[:3000]}\n--- restore\n{str(got)[:3000]}")
    copy.passnum("verify")
    print(f"backup ({kind}): restored {rows} rows, verify ok, {len(pages)} pages equal "
          f"(backup taken during {after - before} validations, {backed_up - before} of them in it)")


def main():
    if not os.path.exists(BINARY):
        fail(f"{BINARY} is missing: run swift build --product passnum")
    source = Cluster(os.environ["BACKUP_SOURCE_SERVER_URL"])
    target = Cluster(os.environ["PASSNUM_POSTGRES_SERVER_URL"])
    if source.port == target.port:
        fail("the restore must go to another cluster than the original's")
    started = time.monotonic()
    for kind in ("postgres", "sqlite"):
        with tempfile.TemporaryDirectory(prefix=f"passnum-backup-{kind}.") as work:
            drill(kind, work, source, target)
    print(f"backup drill: {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
