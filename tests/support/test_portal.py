"""Portal extras: FAQ search, time book with the phone cap, portal-user requests, the
first-login privacy notice."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from civitas.support.models import FaqArticle, ReleaseNote, TimeBook, UserRequest
from civitas.support.services import portal, tickets


def test_phone_cap_carries_unused_minutes_over():
    start = date(2027, 1, 1)
    # January: 30 of 120 used -> 90 carried; February: 120 + 90 = 210, 200 used -> 10.
    used = {(2027, 1): 30, (2027, 2): 200}
    assert portal.phone_minutes_left(120, used, start, date(2027, 1, 20)) == 90
    assert portal.phone_minutes_left(120, used, start, date(2027, 2, 20)) == 10
    assert portal.phone_minutes_left(120, used, start, date(2027, 3, 1)) == 130
    assert portal.phone_minutes_left(0, used, start, date(2027, 3, 1)) is None


@pytest.mark.django_db
def test_time_book_deducts_and_refuses_phone_beyond_the_cap(desk, open_ticket):
    book = TimeBook.objects.create(
        structure=desk["structure"],
        hours_bought=10,
        starts_on=date(2027, 1, 1),
        phone_minutes_per_month=120,
    )
    ticket = open_ticket()
    portal.record_time(book, 90, on=date(2027, 1, 10), ticket=ticket)
    portal.record_time(book, 100, on=date(2027, 1, 11), kind="phone")
    with pytest.raises(tickets.TicketError):
        portal.record_time(book, 30, on=date(2027, 1, 12), kind="phone")
    balance = portal.book_balance(book, on=date(2027, 2, 1))
    assert balance["left_minutes"] == 600 - 190
    assert balance["phone_left_minutes"] == 140


@pytest.mark.django_db
def test_faq_search(desk):
    now = timezone.now()
    FaqArticle.objects.create(
        product=desk["product"],
        question="Comment signer un acte ?",
        answer="Les signatures électroniques se font depuis le parapheur.",
        published_at=now,
    )
    FaqArticle.objects.create(
        product=desk["product"], question="Imprimer", answer="Menu fichier.", published_at=now
    )
    found = list(portal.search_faq("parapheur"))
    assert [a.question for a in found] == ["Comment signer un acte ?"]
    assert len(list(portal.search_faq(""))) == 2
    if connection.vendor == "postgresql":  # French stemming: "signatures" finds "signer"
        assert len(list(portal.search_faq("signature"))) == 1


@pytest.mark.django_db
def test_referent_requests_users_within_the_limit(desk):
    structure = desk["structure"]  # two declared correspondents, 3 at most
    portal.request_user(structure, desk["referent"], "add", "nouveau@nord.example")
    with pytest.raises(tickets.TicketError):
        portal.request_user(structure, desk["referent"], "add", "encore@nord.example")
    with pytest.raises(tickets.TicketError):
        portal.request_user(structure, desk["referent"], "suspend", "inconnu@nord.example")
    portal.request_user(structure, desk["referent"], "suspend", desk["user"].email)
    old = UserRequest.objects.create(
        structure=structure,
        action="delete",
        email="ancien@nord.example",
        created_at=timezone.now() - timedelta(days=61),
    )
    assert old not in portal.request_history(structure)
    assert portal.request_history(structure).count() == 2
    client = Client()
    client.force_login(desk["user"])  # a simple user may not
    assert client.get(reverse("support:users")).status_code == 403
    client.force_login(desk["referent"])
    assert client.get(reverse("support:users")).status_code == 200


@pytest.mark.django_db
def test_first_login_privacy_notice(desk):
    client = Client()
    client.force_login(desk["user"])
    client.cookies["django_language"] = "en"
    assert "I understand" in client.get(reverse("support:portal")).content.decode()
    client.post(reverse("support:privacy_ack"))
    assert "I understand" not in client.get(reverse("support:portal")).content.decode()


@pytest.mark.django_db
def test_release_notes_list_the_tickets_they_fix(desk, open_ticket):
    ticket = open_ticket()
    ticket.fixed_in = desk["version"]
    ticket.save()
    ReleaseNote.objects.create(
        version=desk["version"], text="Corrige la signature.", announced_at=timezone.now()
    )
    client = Client()
    client.force_login(desk["referent"])
    html = client.get(reverse("support:releases")).content.decode()
    assert "Corrige la signature." in html and ticket.number in html
    outsider = Client()
    outsider.force_login(desk["outsider"])
    assert ticket.number not in outsider.get(reverse("support:releases")).content.decode()
