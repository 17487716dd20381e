"""Ticket states in the reader's language: the English label for English users, the French
one for French users and whenever the English one is empty."""

import pytest
from django.test import Client
from django.urls import reverse

from civitas.support.models import TicketState

pytestmark = pytest.mark.django_db


def login(user, lang):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def test_the_shipped_states_have_their_english_label():
    state = TicketState.objects.get(code="in_progress")
    assert state.label == "En cours de traitement par l'équipe en charge"
    assert state.label_en == "Being handled by the team in charge"
    assert not TicketState.objects.filter(label_en="").exists()


@pytest.mark.parametrize(
    ("lang", "english", "shown"),
    [
        ("en", "Brand new", "Brand new"),
        ("fr", "Brand new", "Nouveau"),
        ("en", "", "Nouveau"),  # no English label: the French one
    ],
)
def test_the_ticket_page_shows_the_state_in_the_readers_language(
    desk, open_ticket, lang, english, shown
):
    TicketState.objects.filter(code="new").update(label_en=english)
    ticket = open_ticket()
    assert ticket.state.code == "new"
    for user, url in (
        (desk["user"], reverse("support:ticket", kwargs={"pk": ticket.pk})),
        (desk["agent"], reverse("support:bo_ticket", kwargs={"pk": ticket.pk})),
    ):
        html = login(user, lang).get(url).content.decode()
        assert f"<dd>{shown}</dd>" in html, url


def test_a_mail_gives_the_state_in_the_recipients_language(desk, open_ticket):
    from civitas.support.services.tickets import _context

    ticket = open_ticket()
    desk["user"].language = "en"
    assert _context(ticket, "", to=desk["user"])["state"] == "New"
    desk["user"].language = "fr"
    assert _context(ticket, "", to=desk["user"])["state"] == "Nouveau"


def test_the_settings_screen_edits_both_labels(desk):
    state = TicketState.objects.get(code="customer_reminder")
    url = reverse("support:bo_config_edit", kwargs={"table": "etats", "pk": state.pk})
    client = login(desk["agent"], "en")
    assert 'name="label_en"' in client.get(url).content.decode()
    data = {
        "code": state.code,
        "label": "Relance du client",
        "label_en": "Customer's reminder",
        "side": state.side,
        "order": state.order,
        "auto_after_days": state.auto_after_days,
    }
    assert client.post(url, data).status_code == 302
    state.refresh_from_db()
    assert (state.label, state.label_en) == ("Relance du client", "Customer's reminder")
