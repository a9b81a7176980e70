"""Issue 16, statistical secrecy on the demo: where fewer than 5 people were helped, the row hides with them what they
used (checks used, amount, usage rate), in the open data (CSV and JSON, valid against their Table Schema with
frictionless) and in the page's table; where fewer than 5 checks were handed out, their count and the rate."""
import csv
import io
import json
import urllib.request

from frictionless import Resource, Schema
from selenium.webdriver.common.by import By

from helpers import check_page, go, started

SECRET = "secret"


def fetch(server, path):
    with urllib.request.urlopen(server.url + path, timeout=30) as response:
        return response.read()


def test_secret_cells_hide_what_concerns_their_people(server, browser, axe, tmp_path):
    started(server)
    schema = Schema.from_descriptor(json.loads(fetch(server, "/open-data/statistiques.schema.json")))
    # The figures about people may be missing (secret); the others never are.
    required = {field.name for field in schema.fields if field.constraints.get("required")}
    assert required == {"departement", "mois", "cheques_emis", "lieux_actifs"}

    text = fetch(server, "/open-data/statistiques.csv").decode()
    (tmp_path / "statistiques.csv").write_text(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    records = json.loads(fetch(server, "/open-data/statistiques.json"))
    assert rows and len(rows) == len(records)
    for resource in [Resource(path="statistiques.csv", basepath=str(tmp_path), schema=schema), Resource(data=records, schema=schema)]:
        report = resource.validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    about_people = ["cheques_utilises", "taux_utilisation", "montant_lieux_euros"]
    secret_people = 0
    for row, record in zip(rows, records):
        assert row["departement"] == record["departement"] and row["mois"] == record["mois"]
        if row["personnes_aidees"] == SECRET:
            secret_people += 1
            assert all(row[name] == SECRET for name in about_people), row
            assert all(record[name] is None for name in about_people + ["personnes_aidees"]), record
        else:
            assert int(row["personnes_aidees"]) == 0 or int(row["personnes_aidees"]) >= 5, row
        if row["cheques_remis"] == SECRET:
            assert row["taux_utilisation"] == SECRET and record["taux_utilisation"] is None, row
        else:
            assert int(row["cheques_remis"]) == 0 or int(row["cheques_remis"]) >= 5, row
    print(f"{len(rows)} rows, {secret_people} with fewer than 5 people helped")

    # The schema accepts a secret row as the server writes one (the demo may have none): its figures about people missing
    # in the CSV ("secret") and null in the JSON; a hidden count of checks issued, which is not about people, is refused.
    header = text.split("\r\n")[0]
    first = dict(rows[0], cheques_remis=SECRET, cheques_utilises=SECRET, taux_utilisation=SECRET, personnes_aidees=SECRET,
                 montant_lieux_euros=SECRET)
    (tmp_path / "secret.csv").write_text(header + "\r\n" + ",".join(first[name] for name in header.split(",")) + "\r\n")
    secret_json = [dict(records[0], cheques_remis=None, cheques_utilises=None, taux_utilisation=None, personnes_aidees=None,
                        montant_lieux_euros=None)]
    for resource in [Resource(path="secret.csv", basepath=str(tmp_path), schema=schema), Resource(data=secret_json, schema=schema)]:
        report = resource.validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert not Resource(data=[dict(secret_json[0], cheques_emis=None)], schema=schema).validate().valid

    # The page: wherever "Personnes aidées" is secret, so are the used checks, the rate and the amount of that month.
    browser.delete_all_cookies()
    for path in ["/statistiques", "/statistiques?departement=59&annee=2026"]:
        go(browser, server, path)
        headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "main table thead th")]
        used, rate, people, amount = (headers.index(name) for name in
                                      ["Chèques utilisés", "Taux d’utilisation", "Personnes aidées", "Montant pour les lieux"])
        for line in browser.find_elements(By.CSS_SELECTOR, "main table tbody tr"):
            cells = [cell.text for cell in line.find_elements(By.CSS_SELECTOR, "th, td")]
            if len(cells) == len(headers) and cells[people] == SECRET:
                assert cells[used] == cells[rate] == cells[amount] == SECRET, cells
        caption = browser.find_element(By.CSS_SELECTOR, "figure.chart figcaption").text
        secret_months = SECRET in browser.find_element(By.CSS_SELECTOR, "svg[role='img'] desc").get_attribute("textContent")
        # No total over the period when a month is secret: it would give that month back.
        assert ("sur la période" in caption) != secret_months, caption
    check_page(browser, axe, "statistiques-secret")
