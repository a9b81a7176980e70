"""The whole story in a browser: a funder orders and allocates, a prescriber runs a diagnostic and hands out a
booklet, a place validates two checks and is refused a third already used, the operator runs the payout, the
funder sees the numbers change. Every page is screenshot and checked with axe-core."""
import re
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from helpers import APRIL, MARCH, card, cells, check_page, click, create_api_key, fill, gone, go, sign_in, sign_out, started, submit, validate_at_desk, visited

def test_story(server, browser, axe):
    started(server)

    # Public pages.
    for path, name in [("/", "accueil"), ("/verifier", "verifier"), ("/lieux", "lieux"), ("/connexion", "connexion"),
                       ("/mot-de-passe-oublie", "mot-de-passe-oublie")]:
        go(browser, server, path)
        check_page(browser, axe, name)

    # The funder orders 3 booklets; the operator quotes; the funder signs the quote; the operator invoices,
    # records the bank transfer (in two parts) and fulfils; the funder allocates 2 booklets.
    sign_in(browser, server, "financeur@demo.passnum.fr")
    check_page(browser, axe, "financeur-tableau-de-bord")
    used_before = card(browser, "chèques utilisés")
    go(browser, server, "/financeur/programmes")
    check_page(browser, axe, "financeur-programmes")
    go(browser, server, "/financeur/commandes")
    fill(browser, "booklets", "3")
    submit(browser, "Créer la commande")
    assert "En attente du devis de l’opérateur" in browser.find_element(By.TAG_NAME, "main").text
    sign_out(browser)

    sign_in(browser, server, "operateur@demo.passnum.fr")
    go(browser, server, "/operateur/commandes")
    check_page(browser, axe, "operateur-commandes")
    click(browser, browser.find_elements(By.XPATH, "//table//a[starts-with(normalize-space(), 'Commande n°')]")[0])
    order_page = browser.current_url
    submit(browser, "Faire le devis")
    assert "Devis fait" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    sign_out(browser)

    sign_in(browser, server, "financeur@demo.passnum.fr")
    go(browser, server, "/financeur/commandes")
    submit(browser, "Accepter le devis")
    assert "Devis signé" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    check_page(browser, axe, "financeur-commandes")
    sign_out(browser)

    sign_in(browser, server, "operateur@demo.passnum.fr")
    browser.get(order_page)
    submit(browser, "Faire la facture")
    # An invoice keeps its number: confirmed first.
    submit(browser, "Confirmer")
    total = browser.find_element(By.XPATH, "//dt[.='Total à payer']/following-sibling::dd[1]").text
    total = re.sub(r"[^0-9,]", "", total)
    fill(browser, "amount", "100")
    fill(browser, "bankReference", "VIR GIRONDE 0001")
    submit(browser, "Noter le paiement")
    # A payment goes to the journal for good: confirmed first, with what will remain due.
    assert "Reste à recevoir après ce paiement" in browser.find_element(By.TAG_NAME, "main").text
    submit(browser, "Confirmer le paiement")
    assert "attend le reste" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    euros, cents = total.split(",")
    rest = int(euros) * 100 + int(cents) - 100 * 100
    fill(browser, "amount", f"{rest // 100},{rest % 100:02d}")
    fill(browser, "bankReference", "VIR GIRONDE 0002")
    submit(browser, "Noter le paiement")
    submit(browser, "Confirmer le paiement")
    assert "la commande est payée" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    check_page(browser, axe, "operateur-commande")
    submit(browser, "Émettre les carnets")
    assert "Chèques" in browser.find_element(By.TAG_NAME, "main").text
    submit(browser, "Confirmer")
    assert "Carnets émis" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    sign_out(browser)

    sign_in(browser, server, "financeur@demo.passnum.fr")
    go(browser, server, "/financeur/stock")
    Select(browser.find_element(By.NAME, "prescriber")).select_by_visible_text("CCAS de Bordeaux")
    fill(browser, "booklets", "2")
    submit(browser, "Attribuer")
    assert "2 carnets attribués" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    check_page(browser, axe, "financeur-stock")
    # A second click while the answer is on its way (an old computer, a slow line) sends the form once: the site's
    # script (/formulaires.js). Without it the server receives both and allocates twice.
    held = lambda: next(int(row[3]) for row in cells(browser, "Carnets chez les prescripteurs") if row[1] == "CCAS de Bordeaux")
    before = held()
    fill(browser, "booklets", "1")
    page = browser.find_element(By.TAG_NAME, "html")
    browser.execute_script("var f = document.querySelector('form[action=\"/financeur/stock\"]');"
                           "var b = f.querySelector('button[value=allocate]');"
                           "f.requestSubmit(b); setTimeout(function () { f.requestSubmit(b); }, 30);")
    WebDriverWait(browser, 30).until(lambda _: gone(page))
    time.sleep(1)
    go(browser, server, "/financeur/stock")
    assert held() == before + 1
    go(browser, server, "/financeur/lieux")
    check_page(browser, axe, "financeur-lieux")
    sign_out(browser)

    # The prescriber records a person, runs the diagnostic and hands out a booklet.
    sign_in(browser, server, "prescripteur@demo.passnum.fr")
    check_page(browser, axe, "prescripteur-accueil")
    fill(browser, "firstName", "Lucienne")
    fill(browser, "lastName", "Navigateur")
    fill(browser, "birthYear", "1948")
    fill(browser, "commune", "33063")
    browser.find_element(By.ID, "consent").click()
    submit(browser, "Enregistrer la personne")
    assert "Personne enregistrée" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    for question in range(10):
        browser.find_element(By.ID, f"q{question}-{1 if question % 2 else 0}").click()
    submit(browser, "Calculer le niveau")
    assert "niveau" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    booklet = Select(browser.find_element(By.NAME, "booklet"))
    full = [option.text for option in booklet.options if option.text.endswith("– 10 chèques")]
    assert full, "the booklets allocated by the funder are not in the prescriber's stock"
    booklet.select_by_visible_text(full[-1])
    fill(browser, "checks", "")
    submit(browser, "Remettre")
    assert "chèques remis" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    check_page(browser, axe, "prescripteur-beneficiaire")
    serials = [cell.text.replace(" ", "") for cell in browser.find_elements(By.XPATH, "//table[caption='Chèques remis']//tbody/tr/td[1]")]
    assert len(serials) == 10
    go(browser, server, "/prescripteur/historique")
    check_page(browser, axe, "prescripteur-historique")
    go(browser, server, "/prescripteur/opposition")
    check_page(browser, axe, "prescripteur-opposition")
    sign_out(browser)

    # Anyone can check a check.
    go(browser, server, "/verifier")
    fill(browser, "serial", serials[0])
    fill(browser, "code", server.security_code(serials[0]))
    submit(browser, "Vérifier")
    assert "Ce chèque est valable" in browser.find_element(By.TAG_NAME, "main").text
    check_page(browser, axe, "verifier-resultat")

    # The place validates two checks at once, then is refused the first one again.
    sign_in(browser, server, "lieu@demo.passnum.fr")
    check_page(browser, axe, "lieu-valider")
    validate_at_desk(browser, server, serials[:2])
    check_page(browser, axe, "lieu-validation-acceptee")
    fill(browser, "serial0", serials[0])
    fill(browser, "code0", server.security_code(serials[0]))
    submit(browser, "Valider")
    result = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=resultat]").text
    assert "Aucun chèque n’a été validé" in result and "déjà été utilisé" in result, result
    check_page(browser, axe, "lieu-validation-refusee")
    # The QR code URL opens the same form, already filled.
    go(browser, server, f"/c/{serials[2]}-{server.security_code(serials[2])}")
    assert browser.find_element(By.NAME, "serial0").get_attribute("value") == serials[2]
    go(browser, server, "/lieu/historique")
    check_page(browser, axe, "lieu-historique")
    sign_out(browser)

    # A month later, the operator runs March's payout.
    server.stop()
    server.start(APRIL)
    sign_in(browser, server, "operateur@demo.passnum.fr")
    check_page(browser, axe, "operateur-accueil")
    go(browser, server, "/operateur/remboursements")
    assert "Médiathèque Flora Tristan" in browser.find_element(By.TAG_NAME, "table").text
    check_page(browser, axe, "operateur-remboursements-apercu")
    submit(browser, "Rembourser les lieux pour mars 2026")
    # A payout cannot be undone: its confirmation page says what it will pay first.
    assert "Lieux à rembourser" in browser.find_element(By.TAG_NAME, "main").text
    check_page(browser, axe, "operateur-remboursements-confirmation")
    submit(browser, "Confirmer les remboursements")
    assert "lieux remboursés pour mars 2026" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    check_page(browser, axe, "operateur-remboursements-faits")
    submit(browser, "Remis à la banque")
    assert "Montant viré" in browser.find_element(By.TAG_NAME, "main").text
    submit(browser, "Confirmer")
    assert "remis à la banque" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    check_page(browser, axe, "operateur-virements-remis")
    go(browser, server, "/operateur/factures")
    assert "F-2026-" in browser.find_element(By.TAG_NAME, "main").text
    check_page(browser, axe, "operateur-factures")
    go(browser, server, "/operateur/frais")
    check_page(browser, axe, "operateur-frais")
    go(browser, server, "/operateur/journal")
    submit(browser, "Vérifier maintenant")
    journal = browser.find_element(By.TAG_NAME, "main").text
    assert "tout est correct" in journal and "Anomalie" not in journal
    check_page(browser, axe, "operateur-journal")
    sign_out(browser)

    # The place sees its payout; the funder sees the two validations in its numbers.
    sign_in(browser, server, "lieu@demo.passnum.fr")
    go(browser, server, "/lieu/remboursements")
    assert "mars 2026" in browser.find_element(By.TAG_NAME, "table").text
    check_page(browser, axe, "lieu-remboursements")
    click(browser, browser.find_element(By.LINK_TEXT, "mars 2026"))
    assert "Relevé de remboursement – mars 2026" in browser.find_element(By.TAG_NAME, "h1").text
    check_page(browser, axe, "lieu-releve")
    sign_out(browser)
    sign_in(browser, server, "financeur@demo.passnum.fr")
    assert card(browser, "chèques utilisés") == used_before + 2
    check_page(browser, axe, "financeur-tableau-de-bord-apres")
    go(browser, server, "/financeur/factures")
    check_page(browser, axe, "financeur-factures")
    click(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "F-2026-"))
    assert "Facture n° F-2026-" in browser.find_element(By.TAG_NAME, "h1").text
    check_page(browser, axe, "financeur-facture")
    create_api_key(browser, server, "Tableau de bord du Département")
    check_page(browser, axe, "financeur-cles-api")
    sign_out(browser)
    assert len(visited) >= 20
