"""Issue 17, item 5 in a browser: the funder opens the report for elected officials from the dashboard, filters it by
programme and months, reads the key figures, the three breakdowns of people reached (small counts hidden) and the chart
with the month under way in words; a refused period is said next to its field (axe-core, screenshots at 1280 and 320 px)."""
import os

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import SCREENSHOTS
from helpers import card, cells, check_page, click, go, narrow_screenshot, sign_in, sign_out, started, submit


def set_month(browser, name, value):
    """A month field (type=month) takes its value as YYYY-MM through the DOM: typing depends on the browser's locale."""
    browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.NAME, name), value)


def test_funder_report_with_a_filter(server, browser, axe):
    started(server)
    sign_in(browser, server, "financeur@demo.passnum.fr")
    go(browser, server, "/financeur")
    assert "en cours" in browser.find_element(By.CSS_SELECTOR, "figure.chart").text
    click(browser, browser.find_element(By.LINK_TEXT, "Rapport à imprimer pour les élus"))
    assert browser.current_url.endswith("/financeur/rapport")

    # One programme, from January to the month under way (the demo runs in March 2026).
    Select(browser.find_element(By.NAME, "programme")).select_by_index(1)
    set_month(browser, "du", "2026-01")
    set_month(browser, "au", "2026-03")
    submit(browser, "Afficher")
    assert "du=2026-01" in browser.current_url and "programme=" in browser.current_url
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "de janvier 2026 à mars 2026 (mois en cours compris)" in main
    assert card(browser, "chèques remis") > 0
    people = browser.find_element(By.XPATH, "//ul[@class='cards']/li[contains(., 'personnes accompagnées')]/strong").text
    assert people == "moins de 5" or int(people) >= 5, people
    for caption in ["Par commune", "Par âge", "Par niveau du diagnostic"]:
        rows = cells(browser, caption)
        assert rows and rows[-1][0] == "Total", (caption, rows)
        # A count of people is 5 or more, or hidden under one word (the total alone may say "moins de 5"): never 1 to 4.
        assert all(row[1] == "masqué" or int(row[1]) >= 5 for row in rows[:-1]), (caption, rows)
        assert rows[-1][1] == "moins de 5" or int(rows[-1][1]) >= 5, (caption, rows)
    months = cells(browser, "Chèques par mois")
    assert [row[0] for row in months] == ["janvier 2026", "février 2026", "mars 2026 (en cours)"], months
    chart = browser.find_element(By.CSS_SELECTOR, "figure.chart svg[role='img']")
    assert "en cours" in chart.text and "2026" in chart.text
    check_page(browser, axe, "financeur-rapport")
    narrow_screenshot(browser, "financeur-rapport")
    # The figures themselves, below the filter, and the chart.
    browser.execute_script("document.querySelector('dl.document').scrollIntoView()")
    browser.save_screenshot(os.path.join(SCREENSHOTS, "financeur-rapport-chiffres.png"))
    browser.execute_script("document.querySelector('figure.chart').scrollIntoView()")
    browser.save_screenshot(os.path.join(SCREENSHOTS, "financeur-rapport-graphique.png"))

    # A period that ends before it starts: said next to its field, no figures.
    set_month(browser, "du", "2026-03")
    set_month(browser, "au", "2026-02")
    submit(browser, "Afficher")
    assert "Le dernier mois doit venir après le premier." in browser.find_element(By.ID, "au-erreur").text
    assert not browser.find_elements(By.CSS_SELECTOR, "ul.cards")
    check_page(browser, axe, "financeur-rapport-erreur")
    sign_out(browser)
