"""A place joins on its own in a browser: sign-up, every step of the application (with a document), the
operator's review, the funder's approval, a service in the catalogue, then its first validation."""
import os
import tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from helpers import PASSWORD, check_page, click, fill, go, hand_out_fresh_booklet, sign_in, sign_out, started, submit

PLACE = "Atelier Navigateur"
MANAGER = "atelier@navigateur.example.fr"


def notice(browser):
    return browser.find_element(By.CSS_SELECTOR, ".notice").text


def test_place_application(server, browser, axe):
    started(server)

    # A booklet for a person who will come to the new place.
    sign_in(browser, server, "financeur@demo.passnum.fr")
    go(browser, server, "/financeur/stock")
    Select(browser.find_element(By.NAME, "prescriber")).select_by_visible_text("CCAS de Bordeaux")
    fill(browser, "booklets", "1")
    submit(browser, "Attribuer")
    sign_out(browser)
    serials = hand_out_fresh_booklet(browser, server, "Gaston")
    assert len(serials) == 10

    # Sign-up.
    browser.delete_all_cookies()
    go(browser, server, "/inscription")
    check_page(browser, axe, "inscription")
    fill(browser, "placeName", PLACE)
    fill(browser, "name", "Lina Navigateur")
    fill(browser, "email", MANAGER)
    fill(browser, "password", PASSWORD)
    fill(browser, "confirmation", PASSWORD)
    submit(browser, "Créer mon compte")
    assert "/lieu/candidature" in browser.current_url
    check_page(browser, axe, "candidature")

    # Every step, in order; each one goes to the next.
    go(browser, server, "/lieu/candidature/organisation")
    fill(browser, "name", PLACE)
    fill(browser, "siret", "732 829 320 00075")
    submit(browser, "Envoyer cette étape")
    assert "erreur de frappe" in browser.find_element(By.CSS_SELECTOR, ".errors").text
    check_page(browser, axe, "candidature-erreur")
    fill(browser, "siret", "732 829 320 00074")
    fill(browser, "phone", "05 56 00 00 00")
    submit(browser, "Envoyer cette étape")
    check_page(browser, axe, "candidature-adresses")
    for name, value in [("siteName0", PLACE), ("address0", "10 cours Victor Hugo"), ("postcode0", "33000"), ("communeName0", "Bordeaux"),
                        ("communeCode0", "33063"), ("latitude0", "44.8350"), ("longitude0", "-0.5720"), ("access0", "Tram A, arrêt Hôtel de Ville")]:
        fill(browser, name, value)
    submit(browser, "Envoyer cette étape")
    for name, value in [("firstName", "Lina"), ("lastName", "Navigateur"), ("role", "Présidente"), ("email", MANAGER)]:
        fill(browser, name, value)
    submit(browser, "Envoyer cette étape")
    check_page(browser, axe, "candidature-conditions")
    for question in range(4):
        browser.find_element(By.ID, f"q{question}-oui").click()
    submit(browser, "Envoyer cette étape")
    browser.find_element(By.ID, "cat-outils").click()
    browser.find_element(By.ID, "cat-demarches").click()
    submit(browser, "Envoyer cette étape")
    fill(browser, "openingHours", "Mo-Fr 09:00-12:00,14:00-17:00")
    submit(browser, "Envoyer cette étape")
    fill(browser, "holder", PLACE)
    fill(browser, "iban", "FR76 3000 6000 0112 3456 7890 188")
    fill(browser, "bic", "AGRIFRPP")
    submit(browser, "Envoyer cette étape")
    assert "erreur de frappe" in browser.find_element(By.CSS_SELECTOR, ".errors").text
    fill(browser, "iban", "FR76 3000 6000 0112 3456 7890 189")
    submit(browser, "Envoyer cette étape")
    check_page(browser, axe, "candidature-justificatifs")
    with tempfile.NamedTemporaryFile("wb", suffix=".pdf", delete=False) as document:
        document.write(b"%PDF-1.4\n% statuts\n")
    browser.find_element(By.NAME, "document").send_keys(document.name)
    submit(browser, "Ajouter ce fichier")
    os.unlink(document.name)
    assert "ajouté" in notice(browser)
    submit(browser, "J’ai ajouté tous mes justificatifs")
    submit(browser, "Envoyer ma demande")
    assert "envoyée" in notice(browser)
    sign_out(browser)

    # The operator reviews and qualifies.
    sign_in(browser, server, "operateur@demo.passnum.fr")
    go(browser, server, "/operateur/candidatures")
    check_page(browser, axe, "operateur-candidatures")
    click(browser, browser.find_element(By.LINK_TEXT, PLACE))
    check_page(browser, axe, "operateur-candidature")
    assert "FR76 3000 6000 0112 3456 7890 189" in browser.find_element(By.TAG_NAME, "main").text
    Select(browser.find_element(By.CSS_SELECTOR, "select[name=state]")).select_by_visible_text("Habiliter")
    submit(browser, "Enregistrer")
    assert "Habilité" in notice(browser)
    # The bank step is the place's proposal: an operator admin verifies it before anything is paid (four eyes).
    go(browser, server, "/operateur/candidatures")
    click(browser, browser.find_element(By.LINK_TEXT, PLACE))
    Select(browser.find_element(By.NAME, "decision")).select_by_visible_text("Vérifié : payer sur ce compte")
    submit(browser, "Enregistrer la décision")
    assert "Coordonnées vérifiées" in notice(browser)
    sign_out(browser)

    # The place asks to accept the département's checks; the funder accepts.
    sign_in(browser, server, MANAGER)
    go(browser, server, "/lieu/banque")
    check_page(browser, axe, "lieu-banque")
    assert "FR76 3000 6000 0112 3456 7890 189" in browser.find_element(By.TAG_NAME, "main").text
    go(browser, server, "/lieu/financeurs")
    click(browser, browser.find_element(By.XPATH, "//button[@aria-label='Demander à accepter les chèques de Département de la Gironde']"))
    assert "Demande envoyée" in notice(browser)
    check_page(browser, axe, "lieu-financeurs")
    sign_out(browser)
    sign_in(browser, server, "financeur@demo.passnum.fr")
    go(browser, server, "/financeur/lieux")
    click(browser, browser.find_element(By.XPATH, f"//tr[td[1][normalize-space()='{PLACE}']]//button[normalize-space()='Accepter']"))
    assert "Lieu accepté" in notice(browser)
    sign_out(browser)

    # A service in the catalogue, then the first validation.
    sign_in(browser, server, MANAGER)
    go(browser, server, "/lieu/catalogue")
    Select(browser.find_element(By.NAME, "category")).select_by_visible_text("Maîtrise des outils numériques du quotidien")
    fill(browser, "title", "Atelier tablette")
    fill(browser, "description", "Découvrir sa tablette")
    submit(browser, "Ajouter le service")
    check_page(browser, axe, "lieu-catalogue")
    go(browser, server, "/lieu")
    Select(browser.find_element(By.NAME, "category")).select_by_visible_text("Atelier tablette (Outils du quotidien)")
    fill(browser, "serial0", serials[0])
    fill(browser, "code0", server.security_code(serials[0]))
    submit(browser, "Valider")
    result = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=resultat]").text
    assert "Chèque validé" in result, result
    sign_out(browser)

    # Now public: in the finder, nearest first, and on its own page.
    go(browser, server, "/lieux?commune=33000")
    names = [link.text for link in browser.find_elements(By.CSS_SELECTOR, "main li a")]
    assert PLACE in names, names
    check_page(browser, axe, "lieux-recherche")
    click(browser, browser.find_element(By.LINK_TEXT, PLACE))
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "Du lundi au vendredi : 9 h à 12 h et 14 h à 17 h." in page and "Atelier tablette" in page and "Tram A" in page
    check_page(browser, axe, "lieu-public")
