"""The satisfaction question: asked once when a ticket is resolved or closed, answered once
by the link of the mail or on the portal, counted in the reports."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from civitas.core.outbox.models import Message as OutMessage
from civitas.support.models import Satisfaction
from civitas.support.services import satisfaction, tickets

PARIS = ZoneInfo("Europe/Paris")


def at(day, hour):
    return datetime(2027, 3, day, hour, 0, tzinfo=PARIS)


def login(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def resolved(desk, open_ticket):
    ticket = open_ticket(now=at(1, 10))
    tickets.agent_reply(ticket, desk["agent"], "Corrigé", "bug_fixed_in_version", now=at(2, 10))
    return ticket


@pytest.mark.django_db
def test_the_requester_is_asked_once_when_the_ticket_is_resolved(desk, open_ticket, resolved):
    survey = Satisfaction.objects.get(ticket=resolved)
    mail = OutMessage.objects.filter(to=desk["user"].email, subject__contains="satisfait").get()
    assert survey.token in mail.body_text
    # Closing it afterwards does not ask again.
    tickets.change_state(resolved, "done_bug_fixed", automatic=True, now=at(25, 10))
    assert Satisfaction.objects.filter(ticket=resolved).count() == 1
    assert OutMessage.objects.filter(subject__contains="satisfait").count() == 1


@pytest.mark.django_db
def test_an_open_ticket_is_not_asked(desk, open_ticket):
    ticket = open_ticket(now=at(1, 10))
    tickets.agent_reply(ticket, desk["agent"], "Je regarde", "in_progress", now=at(1, 11))
    assert not Satisfaction.objects.exists()


@pytest.mark.django_db
def test_the_link_answers_once_without_login(resolved):
    survey = resolved.satisfaction
    url = reverse("support:satisfaction", kwargs={"token": survey.token})
    client = Client()
    client.cookies["django_language"] = "en"
    assert "Are you satisfied" in client.get(url).content.decode()
    response = client.post(url, {"score": "4", "comment": "Rapide"})
    assert "Thank you for your answer." in response.content.decode()
    survey.refresh_from_db()
    assert (survey.score, survey.comment, survey.via) == (4, "Rapide", "link")
    second = client.post(url, {"score": "1", "comment": "Autre avis"})
    assert "already answered" in second.content.decode()
    survey.refresh_from_db()
    assert survey.score == 4


@pytest.mark.django_db
def test_a_link_without_a_choice_keeps_the_comment(resolved):
    url = reverse("support:satisfaction", kwargs={"token": resolved.satisfaction.token})
    response = Client().post(url, {"comment": "Mon commentaire"})
    assert response.status_code == 200
    assert "Mon commentaire" in response.content.decode()
    assert resolved.satisfaction.__class__.objects.get().answered_at is None


@pytest.mark.django_db
def test_an_unknown_token_is_a_clear_404(db):
    response = Client().get(reverse("support:satisfaction", kwargs={"token": "nope"}))
    assert response.status_code == 404
    assert "not valid" in response.content.decode() or "pas valide" in response.content.decode()


@pytest.mark.django_db
def test_the_requester_answers_on_the_portal_then_the_link_is_spent(desk, resolved):
    client = login(desk["user"])
    url = reverse("support:ticket", kwargs={"pk": resolved.pk})
    assert "Send my answer" in client.get(url).content.decode()
    response = client.post(url, {"action": "satisfaction", "satisfaction-score": "5"})
    assert response.status_code == 302
    survey = Satisfaction.objects.get()
    assert (survey.score, survey.via) == (5, "portal")
    assert "Send my answer" not in client.get(url).content.decode()
    link = reverse("support:satisfaction", kwargs={"token": survey.token})
    Client().post(link, {"score": "1"})
    survey.refresh_from_db()
    assert survey.score == 5


@pytest.mark.django_db
def test_another_user_of_the_structure_is_not_asked(desk, resolved):
    page = login(desk["referent"]).get(reverse("support:ticket", kwargs={"pk": resolved.pk}))
    assert page.status_code == 200
    assert "Send my answer" not in page.content.decode()


@pytest.mark.django_db
def test_the_reports_count_the_answers(desk, open_ticket, resolved):
    satisfaction.answer(resolved.satisfaction, 4, via="link")
    other = open_ticket(now=at(3, 10), subject="Autre")
    tickets.agent_reply(other, desk["agent"], "Fait", "bug_fixed_in_version", now=at(4, 10))
    result = satisfaction.results([resolved, other])
    assert (result["asked"], result["answered"], result["rate"], result["mean"]) == (2, 1, 50, 4)
    assert dict(result["scores"])[Satisfaction.Score.SATISFIED.label] == 1
    page = login(desk["agent"]).get(reverse("support:bo_reports") + "?year=2027&quarter=1")
    assert "1 answers to 2 questions" in page.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locks", [False, True])
def test_two_answers_at_once_keep_one(desk, open_ticket, locks):
    """Without the row lock both answers pass the check (the second overwrites the first);
    with it the second is refused."""
    from civitas.core import locking

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    ticket = open_ticket(now=at(1, 10))
    tickets.agent_reply(ticket, desk["agent"], "Corrigé", "bug_fixed_in_version", now=at(2, 10))
    survey = Satisfaction.objects.get(ticket=ticket)
    outcomes = []

    def run(score):
        try:
            satisfaction.answer(Satisfaction.objects.get(pk=survey.pk), score, via="link")
            outcomes.append("ok")
        except satisfaction.SatisfactionError:
            outcomes.append("refused")
        finally:
            connection.close()

    with locking.race_test(locks=locks, after_checks=0.5):
        threads = [threading.Thread(target=run, args=(s,)) for s in (1, 5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    if locks:
        assert sorted(outcomes) == ["ok", "refused"]
    else:
        assert outcomes == ["ok", "ok"]
