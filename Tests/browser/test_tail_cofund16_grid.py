"""Issue 16, item 5 in a browser: a funder creates a programme and adjusts its diagnostic grid before any hand-out, a
mistake said next to its field (axe-core, screenshots at 1280 and 320 px). Named to run after test_story.py: the new
programme becomes the demo funder's newest, the default of the order form the story fills."""
from selenium.webdriver.common.by import By

from helpers import check_page, click, fill, go, narrow_screenshot, sign_in, sign_out, started, submit
from test_cofund16 import cells


def test_funder_adjusts_a_new_programmes_diagnostic_grid(server, browser, axe):
    started(server)
    sign_in(browser, server, "financeur@demo.passnum.fr")
    # A new programme's grid: edited before its first hand-out, a mistake said next to its field.
    go(browser, server, "/financeur/programmes")
    fill(browser, "name", "Programme de test du diagnostic")
    for name, value in [("validFrom", "2026-05-01"), ("validUntil", "2026-12-31")]:
        browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.NAME, name), value)
    fill(browser, "departements", "33")
    submit(browser, "Créer le programme")
    click(browser, browser.find_element(By.XPATH, "//tr[td[contains(., 'Programme de test du diagnostic')]]//a[normalize-space()='Grille du diagnostic']"))
    assert "Enregistrer la grille" in browser.page_source
    fill(browser, "seuil2", "5")
    submit(browser, "Enregistrer la grille")
    assert "chaque seuil doit être plus grand que le précédent" in browser.find_element(By.CSS_SELECTOR, ".errors").text
    check_page(browser, axe, "financeur-grille-erreur")
    fill(browser, "seuil1", "4")
    fill(browser, "seuil2", "9")
    fill(browser, "seuil3", "16")
    submit(browser, "Enregistrer la grille")
    assert "Grille du diagnostic enregistrée." in browser.find_element(By.TAG_NAME, "main").text
    assert cells(browser, "Grille en vigueur")[1][1] == "de 5 à 9"
    check_page(browser, axe, "financeur-grille")
    narrow_screenshot(browser, "financeur-grille")

    sign_out(browser)
