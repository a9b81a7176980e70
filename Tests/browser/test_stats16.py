"""Issue 16, items 3 and 4 in a browser and against the files: /statistiques on the demo (axe-core, screenshots at 1280
and 320 px), its open data validated against its own Table Schema with frictionless, and the journal's witnesses
published by the job and checked back with `passnum verify --against`."""
import json
import subprocess
import urllib.request

from frictionless import Resource, Schema
from selenium.webdriver.common.by import By

from conftest import BINARY
from helpers import MARCH, check_page, go, narrow_screenshot, started


def fetch(server, path):
    with urllib.request.urlopen(server.url + path, timeout=30) as response:
        return response.read()


def test_statistics_open_data_and_witness(server, browser, axe, tmp_path):
    started(server)
    # The daily job, by hand (the story's server runs without its scheduler): every day of the demo up to yesterday.
    subprocess.run([BINARY, "jobs", "run", "witness", "--data-dir", server.data_dir], env=server.env(MARCH), check=True,
                   stdout=subprocess.DEVNULL, timeout=120)
    browser.delete_all_cookies()
    go(browser, server, "/statistiques")
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Toute la France" in main and "Chèques utilisés" in main and "Empreinte du journal" in main
    chart = browser.find_element(By.CSS_SELECTOR, "svg[role='img']")
    assert "Chèques utilisés par mois" in chart.find_element(By.TAG_NAME, "title").get_attribute("textContent")
    check_page(browser, axe, "statistiques")
    narrow_screenshot(browser, "statistiques")
    go(browser, server, "/statistiques?departement=59&annee=2026")
    assert "Département 59" in browser.find_element(By.TAG_NAME, "main").text
    check_page(browser, axe, "statistiques-departement")

    # The open data against its Table Schema: types, constraints, primary key, "secret" and null as missing values.
    schema = Schema.from_descriptor(json.loads(fetch(server, "/open-data/statistiques.schema.json")))
    csv_path = tmp_path / "statistiques.csv"
    csv_path.write_bytes(fetch(server, "/open-data/statistiques.csv"))
    rows = json.loads(fetch(server, "/open-data/statistiques.json"))
    assert rows, "the demo's statistics are empty"
    for resource in [Resource(path=csv_path.name, basepath=str(tmp_path), schema=schema), Resource(data=rows, schema=schema)]:
        report = resource.validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    # The same rows in both files.
    with Resource(path=csv_path.name, basepath=str(tmp_path), schema=schema) as resource:
        from_csv = [{k: v for k, v in row.items()} for row in resource.read_rows()]
    with Resource(data=rows, schema=schema) as resource:
        from_json = [{k: v for k, v in row.items()} for row in resource.read_rows()]
    assert from_csv == from_json

    # The witnesses as published, checked back against the database; a wrong hash names its day.
    witnesses = fetch(server, "/open-data/journal-temoins.csv").decode()
    assert witnesses.startswith("jour,empreinte,sequences\r\n") and witnesses.count("\r\n") > 1
    published = tmp_path / "temoins.csv"
    published.write_text(witnesses)
    subprocess.run([BINARY, "verify", "--against", str(published), "--data-dir", server.data_dir], env=server.env(MARCH), check=True,
                   stdout=subprocess.DEVNULL, timeout=300)
    day, digest = witnesses.split("\r\n")[1].split(",")[:2]
    published.write_text(f"{day},{'0' * 64}\n")
    failed = subprocess.run([BINARY, "verify", "--against", str(published), "--data-dir", server.data_dir], env=server.env(MARCH),
                            capture_output=True, text=True, timeout=300)
    assert failed.returncode != 0 and f"the journal's head of {day} differs" in failed.stdout + failed.stderr
