"""Support desk journey in Chromium, axe-core on each page: a user opens a ticket with a
screenshot, the agent qualifies it and asks for information (clock frozen), the user
answers by e-mail, the agent resolves it."""

import io
from email.message import EmailMessage

import pytest
from django.test import Client
from PIL import Image

from tests.browser.conftest import axe_violations, screenshot
from tests.support.conftest import desk  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


def logged_in(browser, live_server, user, width=1280):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url,
        bypass_csp=True,
        locale="fr-FR",
        viewport={"width": width, "height": 900},
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def test_ticket_journey(browser, live_server, desk, tmp_path):  # noqa: F811
    from civitas.support.models import Ticket
    from civitas.support.services import inbound, tickets

    capture = tmp_path / "capture.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 32), "navy").save(buffer, "PNG")
    capture.write_bytes(buffer.getvalue())

    # The user opens a ticket with a screenshot (on a phone-sized screen).
    user = logged_in(browser, live_server, desk["user"], width=360)
    user.goto("/support/")
    assert axe_violations(user) == []
    user.get_by_role("link", name="Ouvrir une demande").click()
    user.get_by_label("Produit").select_option(label="Civitas Actes")
    user.get_by_label("Service").select_option(label="Bug applicatif")
    user.get_by_label("Niveau").select_option(label="Niveau 1 : majeur")
    user.get_by_label("Objet").fill("Signature refusée")
    user.get_by_label("Description").fill("Message : « Certificat expiré »")
    user.get_by_label("Pièce jointe").set_input_files(str(capture))
    assert axe_violations(user) == []
    user.get_by_role("button", name="Envoyer la demande").click()
    user.wait_for_url("**/support/demandes/*/")
    assert user.evaluate("document.documentElement.scrollWidth") <= 360
    ticket = Ticket.objects.get()
    assert ticket.messages.get().attachments.count() == 1
    screenshot(user, "support-demande.png")

    # The agent qualifies it and asks for information: the clock is frozen.
    agent = logged_in(browser, live_server, desk["agent"])
    agent.goto("/backoffice/support/")
    assert axe_violations(agent) == []
    agent.get_by_role("link", name=ticket.number).click()
    agent.locator("#id_qualify-level").select_option(value="0")
    agent.get_by_role("button", name="Requalifier").click()
    agent.locator("#id_reply-text").fill("Pouvez-vous joindre le certificat ?")
    agent.locator("#id_reply-state").select_option(label="A qualifier par le client")
    agent.get_by_role("button", name="Envoyer la réponse").click()
    agent.wait_for_load_state()
    assert axe_violations(agent) == []
    screenshot(agent, "support-agent.png")
    ticket.refresh_from_db()
    assert ticket.level == 0 and ticket.state.code == "to_qualify_customer"
    user.reload()
    assert "en attente de votre réponse depuis le" in user.content()

    # The user answers by e-mail, quoting the support's mail.
    mail = EmailMessage()
    mail["From"] = desk["user"].email
    mail["To"] = "support@example.org"
    mail["Subject"] = f"Re: [{tickets.reference(ticket)}] Réponse à votre demande"
    mail.set_content("Le certificat est joint.\n\nLe 3 mars, Support a écrit :\n> Pouvez-vous")
    inbound.receive(mail.as_bytes())
    ticket.refresh_from_db()
    assert ticket.state.code == "customer_reply"

    # The agent resolves it; the user sees the answer and the clocks met.
    agent.reload()
    agent.locator("#id_reply-text").fill("Certificat renouvelé, c'est réglé.")
    agent.locator("#id_reply-state").select_option(
        label="Traité par l'interlocuteur (à valider par le client)"
    )
    agent.locator("#id_reply-workaround").check()
    agent.get_by_role("button", name="Envoyer la réponse").click()
    agent.wait_for_load_state()
    user.reload()
    content = user.content()
    assert "Certificat renouvelé" in content and "Le certificat est joint." in content
    assert "Tenu le" in content or "Tenu en retard le" in content
    assert axe_violations(user) == []
    screenshot(user, "support-resolu.png")
