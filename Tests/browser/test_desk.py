"""Issue 17, items 1 and 4 in a browser: a place validates a check by scanning its QR code (a USB scanner types the
code's URL and Enter into "Numéro"), keeps its service, sees a refused row outlined; a prescriber declares a check
lost through its confirmation page. Screenshots at 1280 and 320 px, axe-core on every page."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from helpers import check_page, click, fill, gone, go, narrow_screenshot, sign_in, sign_out, started, submit


def pages(browser, axe, name):
    """axe-core and the 1280 px screenshot (check_page), then the same page 320 px wide."""
    check_page(browser, axe, name)
    narrow_screenshot(browser, name)


def scan(browser, name, text):
    """Types like a USB scanner: the whole text, then Enter, which sends the form."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.NAME, name).send_keys(text + "\n")
    WebDriverWait(browser, 30).until(lambda _: gone(page))


def handed_out(browser, server):
    """The demo prescriber's checks handed out and not used yet, from its history (newest first)."""
    sign_in(browser, server, "prescripteur@demo.passnum.fr")
    go(browser, server, "/prescripteur/historique")
    rows = browser.find_elements(By.XPATH, "//table//tbody/tr")
    serials = [row.find_elements(By.TAG_NAME, "td")[0].text.replace(" ", "") for row in rows
               if row.find_elements(By.TAG_NAME, "td")[3].text == "Remis"]
    sign_out(browser)
    assert len(serials) >= 6, "the demo prescriber has not handed out enough unused checks"
    return serials


def test_desk(server, browser, axe):
    started(server)
    serials = handed_out(browser, server)

    sign_in(browser, server, "lieu@demo.passnum.fr")
    go(browser, server, "/lieu")
    browser.set_window_size(1280, 800)
    # "Valider" is on screen without scrolling, and the script shows one empty row at a time.
    button = browser.find_element(By.XPATH, "//button[normalize-space()='Valider']")
    assert browser.execute_script("const r = arguments[0].getBoundingClientRect(); return r.bottom <= window.innerHeight", button)
    assert browser.find_element(By.NAME, "serial0").is_displayed() and not browser.find_element(By.NAME, "serial1").is_displayed()
    fill(browser, "serial0", "1")
    assert browser.find_element(By.NAME, "serial1").is_displayed()
    fill(browser, "serial0", "")
    pages(browser, axe, "guichet")

    # A service chosen, then a check scanned: its URL read for both number and code, the service kept.
    services = Select(browser.find_element(By.NAME, "category"))
    services.select_by_visible_text("Maîtrise des outils numériques du quotidien")
    chosen = services.first_selected_option.get_attribute("value")
    url = f"{server.url}/c/{serials[0]}-{server.security_code(serials[0])}"
    scan(browser, "serial0", url)
    result = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=resultat]")
    assert "Chèque validé" in result.text, result.text
    assert result.get_attribute("role") == "status"
    assert " ".join([serials[0][i:i + 4] for i in range(0, 12, 4)]) in result.text, "the number is grouped as printed"
    assert Select(browser.find_element(By.NAME, "category")).first_selected_option.get_attribute("value") == chosen
    assert "Aujourd’hui" in browser.find_element(By.CSS_SELECTOR, ".today").text
    pages(browser, axe, "guichet-scan-valide")

    # The same check scanned again: refused, its row outlined with the reason beside it, in an alert.
    scan(browser, "serial0", url)
    result = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=resultat]")
    assert result.get_attribute("role") == "alert" and "déjà été utilisé" in result.text
    row = browser.find_element(By.CSS_SELECTOR, ".refused-row")
    assert row.find_element(By.NAME, "serial0").get_attribute("aria-invalid") == "true"
    assert "Chèque 1 : Ce chèque a déjà été utilisé." in row.text
    pages(browser, axe, "guichet-refus")

    # Two checks opened by their URL (a phone's camera) pile up in the form, then are validated at once.
    go(browser, server, f"/c/{serials[1]}-{server.security_code(serials[1])}")
    go(browser, server, f"/c/{serials[2]}-{server.security_code(serials[2])}")
    assert browser.find_element(By.NAME, "serial0").get_attribute("value") == serials[1]
    assert browser.find_element(By.NAME, "serial1").get_attribute("value") == serials[2]
    Select(browser.find_element(By.NAME, "category")).select_by_value(chosen)
    submit(browser, "Valider")
    assert "2 chèques validés" in browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=resultat]").text
    sign_out(browser)

    # Declaring a check lost: a confirmation page first; "Annuler" changes nothing, "Confirmer" declares it.
    sign_in(browser, server, "prescripteur@demo.passnum.fr")
    go(browser, server, "/prescripteur/opposition")
    fill(browser, "serial", serials[5])
    submit(browser, "Déclarer")
    assert "/prescripteur/opposition/confirmation" in browser.current_url
    assert "Ce qui va se passer" in browser.find_element(By.TAG_NAME, "main").text
    pages(browser, axe, "confirmation-opposition")
    click(browser, browser.find_element(By.LINK_TEXT, "Annuler"))
    assert browser.current_url.endswith("/prescripteur/opposition")
    fill(browser, "serial", serials[5])
    submit(browser, "Déclarer")
    submit(browser, "Confirmer la déclaration")
    notice = browser.find_element(By.CSS_SELECTOR, ".notice")
    assert "est déclaré perdu" in notice.text and notice.get_attribute("role") == "status"
    sign_out(browser)
