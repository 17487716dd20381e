"""Portal and back-office screens: scope by structure, forms keep what was typed."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from civitas.support.models import Attachment, Ticket
from civitas.support.services import tickets

PARIS = ZoneInfo("Europe/Paris")


def login(user, lang=None):
    client = Client()
    client.force_login(user)
    if lang:
        client.cookies["django_language"] = lang
    return client


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(buffer, "PNG")
    return SimpleUploadedFile("capture.png", buffer.getvalue(), content_type="image/png")


def form_data(desk, **extra):
    return {
        "product": desk["product"].pk,
        "version": desk["version"].pk,
        "service": "application_bug",
        "level": "1",
        "subject": "Signature impossible",
        "text": "Message : « Certificat expiré »",
        **extra,
    }


@pytest.mark.django_db
def test_user_opens_a_ticket_with_a_screenshot(desk):
    client = login(desk["user"])
    response = client.post(reverse("support:ticket_new"), form_data(desk, attachment=png()))
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("support:ticket", kwargs={"pk": ticket.pk})
    assert Attachment.objects.get().kind == "image"
    assert ticket.requester == desk["user"]


@pytest.mark.django_db
def test_a_file_of_another_type_is_refused_and_the_form_keeps_the_text(desk):
    client = login(desk["user"], lang="en")
    bad = SimpleUploadedFile("notes.txt", b"just text", content_type="text/plain")
    response = client.post(reverse("support:ticket_new"), form_data(desk, attachment=bad))
    assert response.status_code == 200
    assert not Ticket.objects.exists()
    html = response.content.decode()
    assert "Attach a screenshot" in html
    assert "Signature impossible" in html


@pytest.mark.django_db
def test_users_of_the_structure_see_each_others_tickets_not_others(desk, open_ticket):
    ticket = open_ticket()
    other = open_ticket(user=desk["outsider"], structure=desk["other"], subject="Sud")
    url = reverse("support:ticket", kwargs={"pk": ticket.pk})
    referent = login(desk["referent"])
    assert referent.get(url).status_code == 200
    portal = referent.get(reverse("support:portal")).content.decode()
    assert ticket.number in portal and other.number not in portal
    outsider = login(desk["outsider"])
    assert outsider.get(url).status_code == 404
    # The agent's pages are not the customers'.
    assert referent.get(reverse("support:bo_queue")).status_code == 403


@pytest.mark.django_db
def test_customer_sees_why_the_clock_is_paused(desk, open_ticket):
    ticket = open_ticket(now=datetime(2027, 3, 1, 10, tzinfo=PARIS))
    tickets.agent_reply(
        ticket,
        desk["agent"],
        "Pouvez-vous préciser ?",
        "to_qualify_customer",
        now=datetime(2027, 3, 3, 10, tzinfo=PARIS),
    )
    html = login(desk["user"]).get(reverse("support:ticket", kwargs={"pk": ticket.pk}))
    assert "en attente de votre réponse depuis le 3 mars" in html.content.decode()


@pytest.mark.django_db
def test_customer_reply_actions_and_internal_notes_hidden(desk, open_ticket):
    ticket = open_ticket()
    tickets.internal_note(ticket, desk["agent"], "Secret interne")
    client = login(desk["user"])
    url = reverse("support:ticket", kwargs={"pk": ticket.pk})
    assert "Secret interne" not in client.get(url).content.decode()
    client.post(url, {"text": "Toujours bloqué", "action": "remind"})
    ticket.refresh_from_db()
    assert ticket.state.code == "customer_reminder"
    client.post(url, {"text": "Merci", "action": "close"})
    ticket.refresh_from_db()
    assert ticket.state.code == "closed_by_customer"


@pytest.mark.django_db
def test_agent_queue_sorted_by_next_deadline_and_reply(desk, open_ticket):
    now = datetime(2027, 3, 1, 10, tzinfo=PARIS)
    minor = open_ticket(level=3, now=now, subject="Mineur")
    blocking = open_ticket(level=0, now=now + timedelta(hours=1), subject="Bloquant")
    agent = login(desk["agent"])
    html = agent.get(reverse("support:bo_queue")).content.decode()
    assert html.index(blocking.number) < html.index(minor.number)
    url = reverse("support:bo_ticket", kwargs={"pk": blocking.pk})
    state = tickets.state("in_progress")
    response = agent.post(
        url,
        {"what": "reply", "reply-text": "Nous regardons.", "reply-state": state.pk},
    )
    assert response.status_code == 302
    blocking.refresh_from_db()
    assert blocking.state.code == "in_progress"
    # Lowering level 0 without a reason: refused with a message, nothing changed.
    response = agent.post(
        url,
        {
            "what": "qualify",
            "qualify-level": "2",
            "qualify-service": blocking.service,
            "qualify-sla_table": blocking.sla_table_id,
            "qualify-calendar": blocking.calendar_id,
        },
    )
    assert response.status_code == 200
    blocking.refresh_from_db()
    assert blocking.level == 0


@pytest.mark.django_db
def test_my_space_leads_a_correspondent_to_the_desk_and_what_waits_for_them(desk, open_ticket):
    from tests.conftest import make_user

    ticket = open_ticket(now=datetime(2027, 3, 1, 10, tzinfo=PARIS))
    tickets.agent_reply(
        ticket,
        desk["agent"],
        "Pouvez-vous préciser ?",
        "to_qualify_customer",
        now=datetime(2027, 3, 3, 10, tzinfo=PARIS),
    )
    html = login(desk["user"], "en").get(reverse("core:area_home")).content.decode()
    assert reverse("support:portal") in html and reverse("support:ticket_new") in html
    assert f"{ticket.number} waits for your answer" in html
    assert "1 action waits for you." in html
    # Somebody who is no correspondent sees no support section (and no link to a refusal).
    stranger = make_user("stranger@example.org")
    other = login(stranger, "en").get(reverse("core:area_home")).content.decode()
    assert reverse("support:portal") not in other
