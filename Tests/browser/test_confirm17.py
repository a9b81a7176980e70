"""Issue 17, item 4 in a browser: revoking an API key goes through its confirmation page (what the key could do, who
created it), "Annuler" leaves it working, "Confirmer" revokes it; asked again, the refusal is an alert. Screenshots at
1280 and 320 px, axe-core clean."""

from selenium.webdriver.common.by import By

from helpers import check_page, click, create_api_key, narrow_screenshot, sign_in, sign_out, started, submit


def test_revoking_a_key_is_confirmed(server, browser, axe):
    started(server)
    sign_in(browser, server, "financeur@demo.passnum.fr")
    create_api_key(browser, server, "Tableau de bord du conseil")

    revoke = "//button[@aria-label='Révoquer la clé Tableau de bord du conseil']"
    # The key's own revocation address, to ask for its confirmation again once revoked.
    address = browser.find_element(By.XPATH, revoke + "/ancestor::form").get_attribute("action")
    click(browser, browser.find_element(By.XPATH, revoke))
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "/revocation" in browser.current_url
    assert "Révoquer la clé « Tableau de bord du conseil »" in main and "Voir les statistiques" in main
    assert "financeur@demo.passnum.fr" in main and "ne peut pas être rétablie" in main
    check_page(browser, axe, "cle-api-revocation-confirmation")
    narrow_screenshot(browser, "cle-api-revocation-confirmation")

    # "Annuler": back to the list, the key still works.
    click(browser, browser.find_element(By.LINK_TEXT, "Annuler"))
    assert browser.current_url.endswith("/cles-api")
    assert browser.find_elements(By.XPATH, revoke)

    # "Confirmer": revoked.
    click(browser, browser.find_element(By.XPATH, revoke))
    submit(browser, "Confirmer la révocation")
    assert "Clé révoquée" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    assert not browser.find_elements(By.XPATH, revoke)
    check_page(browser, axe, "cle-api-revoquee")

    # The confirmation asked again for a revoked key: an error, red and announced, never a success.
    revoked = browser.find_elements(By.XPATH, "//tr[td[1][normalize-space()='Tableau de bord du conseil']]")
    assert revoked and "révoquée le" in revoked[0].text
    browser.get(address)
    alert = browser.find_elements(By.CSS_SELECTOR, "[role=alert]")
    assert alert and "déjà révoquée" in alert[0].text, browser.find_element(By.TAG_NAME, "main").text
    assert not browser.find_elements(By.CSS_SELECTOR, ".notice")
    check_page(browser, axe, "cle-api-deja-revoquee")
    narrow_screenshot(browser, "cle-api-deja-revoquee")
    sign_out(browser)
