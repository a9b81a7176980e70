"""Issue 17, item 2 in a browser: the prescriber types the start of a commune's name, chooses it among the communes the
platform knows (radio buttons, no JavaScript), and the person's page shows the commune by name; a recorded diagnostic is
shown with its level and date, and « Refaire le diagnostic » opens an empty form (axe-core, screenshots at 1280 and 320 px)."""
from selenium.webdriver.common.by import By

from helpers import check_page, click, fill, narrow_screenshot, sign_in, sign_out, started, submit


def main_text(browser):
    return browser.find_element(By.TAG_NAME, "main").text


def test_commune_by_name_and_dated_diagnostic(server, browser, axe):
    started(server)
    sign_in(browser, server, "prescripteur@demo.passnum.fr")

    # "B" starts two of the demo's communes: the form comes back with both to choose from, nothing chosen for the user.
    fill(browser, "firstName", "Léa")
    fill(browser, "lastName", "Commune")
    fill(browser, "commune", "B")
    browser.find_element(By.ID, "consent").click()
    submit(browser, "Enregistrer la personne")
    radios = browser.find_elements(By.CSS_SELECTOR, "input[name='communeCode']")
    assert [radio.get_attribute("value") for radio in radios] == ["24037", "33063"], main_text(browser)
    assert not any(radio.is_selected() for radio in radios)
    labels = [label.text for label in browser.find_elements(By.CSS_SELECTOR, "#communeCode label")]
    assert labels == ["Bergerac (24100) – code INSEE 24037", "Bordeaux (33000, 33100) – code INSEE 33063"], labels
    assert "Plusieurs communes correspondent" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    browser.execute_script("document.getElementById('commune').scrollIntoView()")
    check_page(browser, axe, "prescripteur-commune-a-choisir")
    narrow_screenshot(browser, "prescripteur-commune-a-choisir")

    # Bordeaux chosen (the consent box stayed ticked): the person is recorded and shown in Bordeaux.
    browser.find_element(By.ID, "communeCode-33063").click()
    assert browser.find_element(By.ID, "consent").is_selected()
    submit(browser, "Enregistrer la personne")
    assert "Personne enregistrée." in main_text(browser), main_text(browser)
    assert "Bordeaux." in main_text(browser).splitlines(), main_text(browser)

    # The diagnostic, every answer "with help": level 2, with today's date; no form until asked.
    for index in range(10):
        browser.find_element(By.ID, f"q{index}-1").click()
    submit(browser, "Calculer le niveau")
    text = main_text(browser)
    assert "Diagnostic du 20 mars 2026 : niveau 2 sur 4, fait ses premiers pas." in text, text
    assert not browser.find_elements(By.CSS_SELECTOR, "input[name='q0']")
    browser.execute_script("document.getElementById('diagnostic').scrollIntoView()")
    check_page(browser, axe, "prescripteur-diagnostic-date")
    narrow_screenshot(browser, "prescripteur-diagnostic-date")

    # Reopened: the level and its date stay, the form is empty.
    click(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Refaire le diagnostic']"))
    text = main_text(browser)
    assert "Diagnostic du 20 mars 2026 : niveau 2 sur 4, fait ses premiers pas." in text, text
    assert "Les réponses ne sont pas gardées" in text
    answers = browser.find_elements(By.CSS_SELECTOR, "#diagnostic ~ form input[type=radio][name^='q']")
    assert len(answers) == 30 and not any(answer.is_selected() for answer in answers)
    check_page(browser, axe, "prescripteur-diagnostic-refaire")
    narrow_screenshot(browser, "prescripteur-diagnostic-refaire")
    sign_out(browser)
