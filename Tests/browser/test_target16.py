"""Issue 16, item 2's target publics in a browser: the funder declares two publics on the demo programme, the prescriber
ticks one at hand-out (the form shows « Aucun de ces publics » ticked until then), a place uses two of those checks, and
the funder's co-funding statement splits the checks by public, the parts adding up to the totals (axe-core, screenshots at
1280 and 320 px)."""
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from helpers import cells, check_page, click, fill, go, narrow_screenshot, sign_in, sign_out, started, submit, validate_at_desk


def test_target_publics(server, browser, axe):
    started(server)

    # The funder declares job seekers and people of 60 and over.
    sign_in(browser, server, "financeur@demo.passnum.fr")
    go(browser, server, "/financeur/programmes")
    click(browser, browser.find_element(By.XPATH, "(//a[normalize-space()='Publics visés'])[last()]"))
    # The statement below is this programme's: other tests may have added programmes, and the statement shows the newest.
    programme = re.search(r"/financeur/programmes/(\d+)/publics", browser.current_url).group(1)
    for box in browser.find_elements(By.CSS_SELECTOR, "input[name='publics[]']"):
        if box.is_selected():
            box.click()
    browser.find_element(By.ID, "public-job_seekers").click()
    browser.find_element(By.ID, "public-aged_60_plus").click()
    submit(browser, "Enregistrer les publics")
    assert "Publics visés enregistrés." in browser.find_element(By.TAG_NAME, "main").text
    ticked = [box.get_attribute("value") for box in browser.find_elements(By.CSS_SELECTOR, "input[name='publics[]']") if box.is_selected()]
    assert ticked == ["job_seekers", "aged_60_plus"], ticked
    check_page(browser, axe, "financeur-publics-vises")
    narrow_screenshot(browser, "financeur-publics-vises")
    sign_out(browser)

    # The prescriber records a person; the hand-out form offers the two publics, « Aucun » ticked; they tick job seekers.
    sign_in(browser, server, "prescripteur@demo.passnum.fr")
    fill(browser, "firstName", "Lucie")
    fill(browser, "lastName", "Publique")
    fill(browser, "commune", "33063")
    browser.find_element(By.ID, "consent").click()
    submit(browser, "Enregistrer la personne")
    radios = browser.find_elements(By.CSS_SELECTOR, "input[name='targetPublic']")
    assert [radio.get_attribute("value") for radio in radios] == ["", "job_seekers", "aged_60_plus"]
    assert [radio.is_selected() for radio in radios] == [True, False, False]
    booklet = Select(browser.find_element(By.NAME, "booklet"))
    enough = [option.text for option in booklet.options if re.search(r"– (\d+) chèques$", option.text)
              and int(re.search(r"– (\d+) chèques$", option.text).group(1)) >= 4]
    assert enough, "no booklet with 4 checks left in the prescriber's stock"
    booklet.select_by_visible_text(enough[-1])
    fill(browser, "checks", "4")
    browser.find_element(By.ID, "targetPublic-job_seekers").click()
    check_page(browser, axe, "prescripteur-remise-public")
    narrow_screenshot(browser, "prescripteur-remise-public")
    submit(browser, "Remettre")
    serials = [cell.text.replace(" ", "") for cell in browser.find_elements(By.XPATH, "//table[caption='Chèques remis']//tbody/tr/td[1]")]
    assert len(serials) == 4, serials
    sign_out(browser)

    # A place uses two of them.
    sign_in(browser, server, "lieu@demo.passnum.fr")
    validate_at_desk(browser, server, serials[:2])
    sign_out(browser)

    # The funder's statement for the year: the public's row, and the parts add up to the totals.
    sign_in(browser, server, "financeur@demo.passnum.fr")
    go(browser, server, f"/financeur/cofinancement?periode=2026&programme={programme}")
    figures = {row[0]: row for row in cells(browser, "Chèques de la période")}
    publics = cells(browser, "Chèques par public visé")
    assert [row[0] for row in publics] == ["Demandeurs d’emploi", "Personnes de 60 ans et plus", "Non renseigné", "Total"], publics
    assert int(publics[0][1]) >= 4 and int(publics[0][3]) >= 2, publics
    assert sum(int(row[1]) for row in publics[:-1]) == int(figures["Remis"][1]) == int(publics[-1][1])
    assert sum(int(row[3]) for row in publics[:-1]) == int(figures["Utilisés"][1]) == int(publics[-1][3])
    assert "Demandeurs d’emploi :" in browser.find_element(By.TAG_NAME, "main").text
    # The screenshots show the split.
    browser.execute_script("arguments[0].scrollIntoView()", browser.find_element(By.XPATH, "//caption[.='Chèques par public visé']"))
    check_page(browser, axe, "financeur-cofinancement-publics")
    narrow_screenshot(browser, "financeur-cofinancement-publics")
    sign_out(browser)
