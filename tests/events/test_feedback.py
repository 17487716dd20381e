"""Feedback: invitations at the chosen moment (once), reminder to non-respondents, the answer
form (kept on error, answered once), results and CSV export."""

import datetime as dt

import pytest
from django.utils import translation

from tests.events.conftest import make_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(event):
    from civitas.events.models import Meeting, MeetingRequest, Room, Slot

    a = make_company(event, "Alpha").representatives.first()
    b = make_company(event, "Beta").representatives.first()
    req = MeetingRequest.objects.create(event=event, sender=a, recipient=b, state="confirmed")
    slot = Slot.objects.filter(session__day__event=event).order_by("start").first()
    return Meeting.objects.create(
        event=event, request=req, slot=slot, room=Room.objects.first(), table_number=1
    )


def mails(**kw):
    from civitas.core.outbox.models import Message

    return Message.objects.filter(subject__startswith="Your opinion", **kw)


def test_invitations_once_then_one_reminder(event, held):
    from civitas.events.models import Invitation
    from civitas.events.services import feedback

    meeting_survey, event_survey = feedback.create_defaults(event)
    send_at = meeting_survey.send_at
    with translation.override("en"):
        assert feedback.send_due(send_at - dt.timedelta(minutes=1)) == 0
        # Meeting survey: both parties of the meeting; event survey: both representatives.
        assert feedback.send_due(send_at) == 4
        assert feedback.send_due(send_at + dt.timedelta(hours=1)) == 0
    assert Invitation.objects.count() == 4
    inv = Invitation.objects.filter(survey=meeting_survey).first()
    feedback.answer(
        inv, {str(q.pk): q.choices[2] if q.choices else "" for q in meeting_survey.questions.all()}
    )
    # A week later: one reminder to each of the three non-respondents, once.
    assert feedback.send_due(send_at + dt.timedelta(days=7, minutes=1)) == 3
    assert feedback.send_due(send_at + dt.timedelta(days=8)) == 0


def test_answer_rules_and_results(client_for, event, held):
    from civitas.events.models import Invitation
    from civitas.events.services import feedback

    survey = feedback.create_defaults(event)[0]
    feedback.send_due(survey.send_at)
    inv = Invitation.objects.filter(survey=survey).first()
    scale, comment = survey.questions.all()
    url = f"/evenements/{event.slug}/avis/{inv.token}/"
    c = client_for("anonymous", lang="en")
    page = c.get(url)
    assert page.status_code == 200 and "Partenariat signé" in page.content.decode()
    # An answer outside the scale is refused; the comment typed is kept.
    r = c.post(url, {str(scale.pk): "Hacked", str(comment.pk): "Très utile"})
    assert "Choose one of the proposed answers." in r.content.decode()
    assert "Très utile" in r.content.decode()
    r = c.post(url, {str(scale.pk): "Partenariat signé", str(comment.pk): "Très utile"})
    assert r.status_code == 302
    r = c.post(url, {str(scale.pk): "Intérêt insuffisant"})
    assert "already been answered" in r.content.decode()
    res = feedback.results(survey)
    assert res["answered"] == 1 and res["invited"] == 2
    assert dict(res["questions"][0][1])["Partenariat signé"] == 1
    org = client_for("principal", lang="en")
    detail = org.get(f"/backoffice/evenements/{event.pk}/avis/{survey.pk}/").content.decode()
    assert "1 answers out of 2 invited" in detail and "chart.umd.min.js" in detail
    csv_text = org.get(f"/backoffice/evenements/{event.pk}/avis/{survey.pk}.csv").content.decode()
    assert "Partenariat signé" in csv_text and "Très utile" in csv_text
    assert c.get(f"/evenements/{event.slug}/avis/not-a-token/").status_code == 404


def test_question_added_to_the_set(client_for, event):
    from civitas.events.services import feedback

    survey = feedback.create_defaults(event)[1]
    c = client_for("principal", lang="en")
    url = f"/backoffice/evenements/{event.pk}/avis/{survey.pk}/"
    r = c.post(
        url, {"action": "question", "q-label": "Repas ?", "q-kind": "choice", "q-choices": "Bon"}
    )
    assert "Give at least two choices." in r.content.decode()
    c.post(
        url,
        {
            "action": "question",
            "q-label": "Repas ?",
            "q-kind": "choice",
            "q-choices": "Bon\nMoyen\n",
        },
    )
    assert survey.questions.last().choices == ["Bon", "Moyen"]
