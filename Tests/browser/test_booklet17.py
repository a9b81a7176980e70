"""Issue 17, item 3 in a browser: the prescriber hands out checks by typing the booklet's number, reads which checks
to tear out, and opens the sheet to print for the person (axe-core, screenshots at 1280 and 320 px)."""
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from helpers import check_page, click, fill, narrow_screenshot, sign_in, sign_out, started, submit


def test_hand_out_by_number_then_print_the_sheet(server, browser, axe):
    started(server)
    sign_in(browser, server, "prescripteur@demo.passnum.fr")
    fill(browser, "firstName", "Odette")
    fill(browser, "lastName", "Carnet")
    fill(browser, "commune", "33063")
    browser.find_element(By.ID, "consent").click()
    submit(browser, "Enregistrer la personne")

    # The booklet's number as printed on its cover, read here from the stock list; the list itself stays on "—".
    # A booklet already started first: the other tests want full ones.
    options = [(o.get_attribute("value"), o.text) for o in Select(browser.find_element(By.NAME, "booklet")).options if o.get_attribute("value")]
    left = [(value, int(re.search(r"– (\d+) chèques$", text).group(1))) for value, text in options]
    usable = sorted([entry for entry in left if entry[1] >= 3], key=lambda entry: (entry[1] == 10, entry[1]))
    assert usable, "no booklet with 3 checks left in the prescriber's stock"
    number = usable[0][0]
    fill(browser, "number", f"Carnet n° {number}")
    fill(browser, "checks", "3")
    submit(browser, "Remettre")
    notice = browser.find_element(By.CSS_SELECTOR, ".notice").text
    assert notice.startswith("3 chèques remis") and "Détachez ces chèques du carnet" in notice, notice
    runs = re.findall(r"\d{4} \d{4} \d{4}", notice)
    assert len(runs) == 2, notice
    check_page(browser, axe, "prescripteur-remise-par-numero")
    narrow_screenshot(browser, "prescripteur-remise-par-numero")

    # A mistyped number is refused on the field, saying what to type.
    fill(browser, "number", "1000 0000 0018")
    submit(browser, "Remettre")
    assert "faute de frappe" in browser.find_element(By.ID, "number-erreur").text

    # The sheet for the person: the three checks, their last day, the places, whom to call.
    click(browser, browser.find_element(By.LINK_TEXT, "Imprimer la fiche pour la personne"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Vos chèques Pass numérique"
    main = browser.find_element(By.TAG_NAME, "main").text
    serials = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "ul.serials li")]
    assert len(serials) == 3 and serials[0] == "n° " + runs[0] and serials[-1] == "n° " + runs[1], serials
    assert "À utiliser au plus tard le" in main and "Où les utiliser" in main and "Besoin d’aide" in main
    assert browser.find_elements(By.CSS_SELECTOR, ".sheet h3"), "no place on the sheet"
    check_page(browser, axe, "fiche-personne")
    narrow_screenshot(browser, "fiche-personne")
    sign_out(browser)
