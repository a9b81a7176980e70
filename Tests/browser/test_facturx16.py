"""Issue 16, item 1 in a browser: the funder gives its Chorus Pro identifiers on "Mon organisation" (a typing error in
the SIRET said next to the field), an order's engagement number on the orders page, and the invoice page links its
Factur-X XML; the test server has no operator SIRET or VAT number, so the link says in French what is missing (axe-core,
screenshots at 1280 and 320 px)."""
import json

from selenium.webdriver.common.by import By

from helpers import check_page, click, fill, go, narrow_screenshot, sign_in, sign_out, started, submit


def fetch(browser, href):
    """The status, headers and text of a GET made by the page itself (with its session), as a download would be."""
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'}).then(async r => done(JSON.stringify({status: r.status,"
        " disposition: r.headers.get('content-disposition'), type: r.headers.get('content-type'), text: await r.text()})))"
        ".catch(e => done(JSON.stringify({status: 0, text: String(e)})));", href)
    return json.loads(result)


def test_funder_identifiers_and_e_invoice_link(server, browser, axe):
    started(server)
    sign_in(browser, server, "financeur@demo.passnum.fr")

    # Reached from the orders page; a SIRET with a typing error comes back with the message next to the field.
    go(browser, server, "/financeur/commandes")
    assert browser.find_element(By.NAME, "engagementNumber").get_attribute("id") == "engagementNumber"
    click(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Vos informations pour Chorus Pro"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Mon organisation"
    check_page(browser, axe, "financeur-organisation")
    fill(browser, "siret", "732 829 320 00075")
    submit(browser, "Enregistrer")
    assert "erreur de frappe" in browser.find_element(By.ID, "siret-erreur").text
    check_page(browser, axe, "financeur-organisation-erreur")
    fill(browser, "siret", "732 829 320 00074")
    fill(browser, "serviceCode", "FACTURES-NUMERIQUE")
    fill(browser, "engagementNumber", "EJ-2026-001")
    submit(browser, "Enregistrer")
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Informations enregistrées." in main
    assert browser.find_element(By.NAME, "siret").get_attribute("value") == "73282932000074"
    check_page(browser, axe, "financeur-organisation-enregistree")
    narrow_screenshot(browser, "financeur-organisation-enregistree")

    # The invoice page links the XML; without the operator's SIRET and VAT number it is refused with a plain reason.
    go(browser, server, "/financeur/factures")
    click(browser, browser.find_element(By.XPATH, "//table//a[starts-with(normalize-space(), 'F-')]"))
    link = browser.find_element(By.PARTIAL_LINK_TEXT, "Facture électronique pour Chorus Pro")
    href = link.get_attribute("href")
    assert href.endswith("/factur-x.xml") and link.get_attribute("download").endswith(".xml")
    check_page(browser, axe, "financeur-facture-lien-factur-x")
    answer = fetch(browser, href)
    assert answer["status"] == 409 and "l’opérateur doit d’abord indiquer son" in answer["text"], answer["status"]
    go(browser, server, href.replace(server.url, ""))
    assert "l’opérateur doit d’abord indiquer son" in browser.find_element(By.TAG_NAME, "main").text
    check_page(browser, axe, "financeur-factur-x-sans-siret-operateur")
    narrow_screenshot(browser, "financeur-factur-x-sans-siret-operateur")
    sign_out(browser)
