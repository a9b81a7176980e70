"""Issue 16, items 2 and 5 in a browser: the funder's co-funding statement (page, printable, CSV link) and the
operator's across funders, the demo programme's diagnostic grid shown read-only (axe-core, screenshots at 1280 and
320 px). Editing a grid is in test_tail_cofund16_grid.py, which runs after the story."""
from selenium.webdriver.common.by import By

from helpers import cells, check_page, click, fill, go, narrow_screenshot, sign_in, sign_out, started, submit


def test_cofunding_statement_and_diagnostic_grid(server, browser, axe):
    started(server)
    sign_in(browser, server, "financeur@demo.passnum.fr")

    # The statement, reached from the menu, for the year of the demo.
    click(browser, browser.find_element(By.XPATH, "//nav//a[normalize-space()='Cofinancement']"))
    fill(browser, "periode", "2026")
    submit(browser, "Afficher")
    figures = cells(browser, "Chèques de la période")
    assert [row[0] for row in figures] == ["Achetés (émis)", "Remis", "Utilisés"]
    assert all(int(row[1]) > 0 for row in figures), figures
    parts = cells(browser, "Part de chaque cofinanceur dans la valeur des chèques utilisés")
    assert [row[0] for row in parts] == ["État", "Département de la Gironde", "Total"]
    assert parts[-1][2] == figures[2][2]
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Empreinte" in main and "année 2026" in main
    assert browser.find_element(By.PARTIAL_LINK_TEXT, "Télécharger ces chiffres (CSV").get_attribute("href").endswith("periode=2026")
    check_page(browser, axe, "financeur-cofinancement")
    narrow_screenshot(browser, "financeur-cofinancement")

    # A period that does not read is said in French next to its field.
    fill(browser, "periode", "2026-T5")
    submit(browser, "Afficher")
    assert "Indiquez une période" in browser.find_element(By.ID, "periode-erreur").text
    check_page(browser, axe, "financeur-cofinancement-erreur")

    # The demo programme handed checks out: its grid is shown, not editable.
    go(browser, server, "/financeur/programmes")
    click(browser, browser.find_element(By.XPATH, "(//a[normalize-space()='Grille du diagnostic'])[last()]"))
    assert "la grille ne peut plus changer" in browser.find_element(By.TAG_NAME, "main").text
    check_page(browser, axe, "financeur-grille-figee")
    sign_out(browser)

    # The operator: every funder's programmes, one row each.
    sign_in(browser, server, "operateur@demo.passnum.fr")
    go(browser, server, "/operateur/cofinancement?periode=2026")
    rows = cells(browser, "Chèques et parts des cofinanceurs, année 2026")
    assert any(row[0] == "Département de la Gironde" for row in rows), rows
    check_page(browser, axe, "operateur-cofinancement")
    narrow_screenshot(browser, "operateur-cofinancement")
    sign_out(browser)
