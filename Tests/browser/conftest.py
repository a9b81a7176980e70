"""Browser tests: a real passnum server on a temporary SQLite data directory, driven by headless Chromium.

The server runs with PASSNUM_FAKE_NOW so the story can replay a month and then the payout of that month.
Screenshots of every page visited go to screenshots/ (git-ignored); axe-core checks every page.
"""
import base64
import glob
import hashlib
import hmac
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.path.join(ROOT, ".build", "debug", "passnum")
SCREENSHOTS = os.path.join(ROOT, "screenshots")
AXE_PACKAGE = "axe-playwright-python==0.1.8"  # ships axe-core 4.12.1 as axe.min.js
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One passnum server process; restartable at another fake date on the same data directory."""

    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def env(self, now):
        # passnum serve (without --demo) refuses to start without the operator's account and the public address.
        env = dict(os.environ, PASSNUM_FAKE_NOW=now, PASSNUM_PUBLIC_URL=self.url, PASSNUM_OPERATOR_NAME="Opérateur Pass numérique",
                   PASSNUM_OPERATOR_IBAN="FR7630006000011234567890189", PASSNUM_OPERATOR_BIC="AGRIFRPP",
                   # The story runs each step itself, at its fake dates: no scheduled job in between.
                   PASSNUM_JOBS="off")
        env.pop("DATABASE_URL", None)
        return env

    def demo(self, now):
        subprocess.run([BINARY, "demo", "--data-dir", self.data_dir], env=self.env(now), check=True,
                       stdout=subprocess.DEVNULL, timeout=300)

    def start(self, now):
        self.log = open(os.path.join(self.data_dir, "server.log"), "a")
        self.process = subprocess.Popen(
            [BINARY, "serve", "--data-dir", self.data_dir, "--hostname", "127.0.0.1", "--port", str(self.port)],
            env=self.env(now), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2)
                return
            except Exception:
                time.sleep(0.3)
        raise RuntimeError("passnum serve did not start; see " + self.log.name)

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None
            self.log.close()

    def security_code(self, serial):
        """The code of a serial, computed here with Python's hmac: an implementation independent of the server's."""
        with open(os.path.join(self.data_dir, "installation-secret.key"), "rb") as f:
            key = f.read()
        mac = hmac.new(key, serial.encode(), hashlib.sha256).digest()
        bits = int.from_bytes(mac, "big") >> (256 - 65)
        return "".join(CROCKFORD[(bits >> (5 * (12 - i))) & 31] for i in range(13))


def axe_source():
    cache = os.path.join(tempfile.gettempdir(), "passnum-axe")
    target = os.path.join(cache, "axe.min.js")
    if not os.path.exists(target):
        os.makedirs(cache, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", cache, AXE_PACKAGE], check=True)
        wheel = glob.glob(os.path.join(cache, "axe_playwright_python-*.whl"))[0]
        with zipfile.ZipFile(wheel) as archive:
            name = next(n for n in archive.namelist() if n.endswith("axe.min.js"))
            with archive.open(name) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
    with open(target, encoding="utf-8") as f:
        return f.read()


@pytest.fixture(scope="session")
def server():
    data_dir = tempfile.mkdtemp(prefix="passnum-browser-")
    server = Server(data_dir)
    yield server
    server.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=fr-FR"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def axe():
    return axe_source()


@pytest.fixture(scope="session", autouse=True)
def screenshots_dir():
    os.makedirs(SCREENSHOTS, exist_ok=True)
    return SCREENSHOTS
