"""Issue 16, items 6 and 7 in a browser: the legal pages reached from a page's footer (axe-core, screenshots at 1280
and 320 px), the operator's rolling payments against the limited-network threshold, and the weekly opening time at
the operator's review of a place."""

from selenium.webdriver.common.by import By

from helpers import check_page, click, go, narrow_screenshot, sign_in, sign_out, started


def test_legal_pages_and_charter(server, browser, axe):
    started(server)
    browser.delete_all_cookies()

    # From any page's footer to each legal page.
    for link, path, name, heading in [
        ("Accessibilité : partiellement conforme", "/accessibilite", "accessibilite", "Déclaration d’accessibilité"),
        ("Mentions légales", "/mentions-legales", "mentions-legales", "Mentions légales"),
        ("Conditions d’utilisation", "/conditions-utilisation", "conditions-utilisation", "Conditions d’utilisation"),
    ]:
        go(browser, server, "/verifier")
        click(browser, browser.find_element(By.XPATH, f"//footer//a[@href='{path}']"))
        assert browser.current_url.endswith(path)
        assert browser.find_element(By.TAG_NAME, "h1").text == heading
        check_page(browser, axe, name)
        narrow_screenshot(browser, name)
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "24 heures par semaine" in main
    go(browser, server, "/accessibilite")
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "partiellement conforme" in main and "axe-core" in main and "Défenseur des droits" in main

    # The operator's home: 12 months of payments against the 1 M€ threshold.
    sign_in(browser, server, "operateur@demo.passnum.fr")
    go(browser, server, "/operateur")
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Seuil du réseau limité" in main and "Paiements aux lieux sur les 12 derniers mois" in main and "ACPR" in main
    check_page(browser, axe, "operateur-accueil-seuil")
    narrow_screenshot(browser, "operateur-accueil-seuil")

    # The review of a demo place shows its weekly opening time (the demo's hours: 38 h).
    go(browser, server, "/operateur/candidatures")
    click(browser, browser.find_element(By.XPATH, "//table[caption='Tous les lieux']//tbody/tr[1]/td[1]/a"))
    assert "Ouvert 38 h par semaine." in browser.find_element(By.TAG_NAME, "main").text
    check_page(browser, axe, "operateur-lieu-horaires")
    sign_out(browser)
