"""Helpers shared by the browser tests: navigation, forms, and the checks every page goes through."""
import json
import os
import re

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import SCREENSHOTS

PASSWORD = "demo-passnum-2026"
MARCH = "2026-03-20T09:00:00Z"
APRIL = "2026-04-02T09:00:00Z"
visited = []


def check_page(browser, axe, name):
    """Screenshot, axe-core (fails on serious or critical violations), no overflow at 320 px wide."""
    browser.save_screenshot(os.path.join(SCREENSHOTS, f"{name}.png"))
    browser.execute_script(axe)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations))).catch(e => done(JSON.stringify([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}])));")
    violations = [v for v in json.loads(result) if v.get("impact") in ("serious", "critical")]
    assert not violations, f"{name}: " + "; ".join(f"{v['id']}: {v['help']} ({[n.get('target') for n in v['nodes']][:3]})" for v in violations)
    size = browser.get_window_size()
    browser.set_window_size(320, 800)
    overflow = browser.execute_script("return document.documentElement.scrollWidth")
    browser.set_window_size(size["width"], size["height"])
    assert overflow <= 320, f"{name}: the page is {overflow} px wide at 320 px"
    visited.append(name)


def narrow_screenshot(browser, name):
    """The page as a phone shows it: 320 px wide, saved as NAME-320.png."""
    size = browser.get_window_size()
    browser.set_window_size(320, 800)
    browser.save_screenshot(os.path.join(SCREENSHOTS, f"{name}-320.png"))
    browser.set_window_size(size["width"], size["height"])


def go(browser, server, path):
    browser.get(server.url + path)


def fill(browser, name, value):
    element = browser.find_element(By.NAME, name)
    element.clear()
    element.send_keys(value)


def submit(browser, text):
    """Clicks a button and waits for the next page to replace this one."""
    click(browser, browser.find_element(By.XPATH, f"//button[normalize-space()={json.dumps(text, ensure_ascii=False)}]"))


def click(browser, element):
    """Clicks a link or button and waits for the next page to replace this one."""
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 30).until(lambda _: gone(page))


def gone(element):
    """True once the element's page was replaced (Chromium reports that in two ways)."""
    try:
        element.tag_name
        return False
    except WebDriverException:
        return True


def sign_in(browser, server, email):
    browser.delete_all_cookies()
    go(browser, server, "/connexion")
    fill(browser, "email", email)
    fill(browser, "password", PASSWORD)
    submit(browser, "Se connecter")
    assert "/connexion" not in browser.current_url, browser.find_element(By.TAG_NAME, "main").text


def sign_out(browser):
    submit(browser, "Se déconnecter")


def cells(browser, caption):
    """The rows of the table with this caption, as lists of cell texts."""
    rows = browser.find_elements(By.XPATH, f"//table[caption={caption!r}]//tbody/tr")
    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]


def card(browser, label):
    """The number shown on a dashboard card whose text ends with `label`."""
    for item in browser.find_elements(By.CSS_SELECTOR, ".cards li"):
        if item.text.endswith(label):
            return int(re.sub(r"\D", "", item.find_element(By.TAG_NAME, "strong").text))
    raise AssertionError(f"no card {label}")




def started(server):
    """The server, started once for the whole session at the March date with the demo loaded."""
    if server.process is None and not getattr(server, "loaded", False):
        server.demo(MARCH)
        server.loaded = True
    if server.process is None:
        server.start(MARCH)
    return server


def hand_out_fresh_booklet(browser, server, first_name):
    """As the demo prescriber: records a person and hands them a full booklet; returns its serials."""
    sign_in(browser, server, "prescripteur@demo.passnum.fr")
    fill(browser, "firstName", first_name)
    fill(browser, "lastName", "Navigateur")
    fill(browser, "commune", "33063")
    browser.find_element(By.ID, "consent").click()
    submit(browser, "Enregistrer la personne")
    booklet = Select(browser.find_element(By.NAME, "booklet"))
    full = [option.text for option in booklet.options if option.text.endswith("– 10 chèques")]
    assert full, "no full booklet left in the prescriber's stock"
    booklet.select_by_visible_text(full[-1])
    fill(browser, "checks", "")
    submit(browser, "Remettre")
    serials = [cell.text.replace(" ", "") for cell in browser.find_elements(By.XPATH, "//table[caption='Chèques remis']//tbody/tr/td[1]")]
    sign_out(browser)
    return serials


def validate_at_desk(browser, server, serials):
    """As a signed-in place agent on /lieu: validates `serials` (at most the desk's rows) for the everyday-tools service."""
    Select(browser.find_element(By.NAME, "category")).select_by_visible_text("Maîtrise des outils numériques du quotidien")
    for row, serial in enumerate(serials):
        fill(browser, f"serial{row}", serial)
        fill(browser, f"code{row}", server.security_code(serial))
    submit(browser, "Valider")
    result = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=resultat]").text
    assert f"{len(serials)} chèques validés" in result, result


def create_api_key(browser, server, name):
    """As a signed-in key holder: creates a key with the statistics right; the page shows it once."""
    go(browser, server, "/cles-api")
    fill(browser, "name", name)
    browser.find_element(By.ID, "scope-read_statistics").click()
    submit(browser, "Créer la clé")
    assert "Copiez cette clé maintenant" in browser.find_element(By.TAG_NAME, "main").text
