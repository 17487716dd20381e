"""The demo loader (manage.py load_events_demo): the demo participant's area is populated
with every feature, and a second run adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from civitas.core.models import User
from civitas.events.models import (
    Conversation,
    ConversationMessage,
    Event,
    EventSitePage,
    Expert,
    ExpertMeeting,
    ExtraField,
    Meeting,
    MeetingRequest,
    Representative,
)

pytestmark = pytest.mark.django_db(transaction=False)

SLUG = "rencontres-affaires-demo"


def _counts():
    return (
        Expert.objects.count(),
        ExpertMeeting.objects.count(),
        Conversation.objects.count(),
        ConversationMessage.objects.count(),
        ExtraField.objects.count(),
        MeetingRequest.objects.count(),
        Representative.objects.filter(email="participant@demo.civitas.fr").count(),
    )


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_events_demo", companies=24, requests=40, stdout=io.StringIO())
    return Event.objects.get(slug=SLUG)


def test_demo_participant_sees_every_feature(demo, client):
    user = User.objects.get(email="participant@demo.civitas.fr")
    rep = Representative.objects.get(company__event=demo, user=user)
    assert rep.full_name == "Chloé Dubois" and rep.company.name == "Dubois Électricité"
    # Experts: one of each kind, with the participant's meetings and request.
    modes = {e.last_name: (e.mode, e.quota) for e in demo.experts.all()}
    assert modes == {
        "Lefèvre": ("as_they_come", None),
        "Girard": ("pre_assignment", 6),
        "Moreau": ("as_they_come", 3),
    }
    mine = {m.expert.last_name: m.state for m in rep.expert_meetings.select_related("expert")}
    assert mine == {"Lefèvre": "scheduled", "Girard": "candidate", "Moreau": "scheduled"}
    assert ExpertMeeting.objects.filter(expert__last_name="Girard", state="candidate").count() > 1
    moreau = demo.experts.get(last_name="Moreau")
    assert moreau.meetings.filter(state="scheduled").count() <= 3
    # Messages: with the organisers (both ways) and with a meeting partner.
    organisers = Conversation.objects.get(participant=rep)
    assert list(organisers.messages.values_list("from_organisers", flat=True)) == [False, True]
    assert Conversation.objects.filter(kind="meeting", members__representative=rep).exists()
    # An extra registration field, published in the catalogue and answered.
    field = ExtraField.objects.get(event=demo, key="turnover")
    demo.refresh_from_db()
    assert field.public_code in demo.public_fields
    assert rep.company.extra["turnover"] == "2 à 10 M€"
    # Requests still to place by hand, and one to answer.
    assert MeetingRequest.objects.filter(
        sender=rep, state="confirmed", meetings__isnull=True
    ).exists()
    assert MeetingRequest.objects.filter(recipient=rep, state="pending").exists()
    assert Meeting.objects.filter(request__sender=rep, state="scheduled").exists() or (
        Meeting.objects.filter(request__recipient=rep, state="scheduled").exists()
    )
    assert EventSitePage.objects.filter(event=demo).exists()
    # The pages a tester opens answer, with the demo content.
    client.force_login(user)
    pages = {
        "area_home": "Dubois Électricité",
        "area_agenda": "Marie Lefèvre",
        "area_experts": "Paul Girard",
        "area_messages": "Conversation",
        "area_convocation": "Chloé Dubois",
    }
    for name, text in pages.items():
        r = client.get(reverse(f"events:{name}", kwargs={"slug": SLUG}))
        assert r.status_code == 200, name
        assert text in r.content.decode(), name
    catalogue = client.get(reverse("events:catalogue", kwargs={"slug": SLUG}), {"q": "électricité"})
    assert "Dubois Électricité" in catalogue.content.decode()


def test_demo_loader_is_idempotent(demo):
    before = _counts()
    stamp = Representative.objects.get(email="participant@demo.civitas.fr").updated_at
    out = io.StringIO()
    call_command("load_events_demo", companies=24, requests=40, stdout=out)
    assert out.getvalue().strip() == "events demo: already there"
    assert _counts() == before
    # Nothing rewritten either: the CRM sync (updated_at) sees no change at each start.
    assert Representative.objects.get(email="participant@demo.civitas.fr").updated_at == stamp


def test_demo_features_reach_an_older_demo_database(demo):
    """A demo database made before these features gets them on the next start."""
    Expert.objects.all().delete()
    Conversation.objects.all().delete()
    ExtraField.objects.all().delete()
    out = io.StringIO()
    call_command("load_events_demo", stdout=out)
    assert "added: extra field, experts, messages" in out.getvalue()
    assert "event organiser" not in out.getvalue()  # already there: not doubled
    assert demo.experts.count() == 3 and ExtraField.objects.filter(event=demo).count() == 1


def test_demo_manager_organises_the_demo_event_only(demo, client):
    from .conftest import make_event

    other = make_event("autre-salon")
    client.force_login(User.objects.get(email="gestionnaire@demo.civitas.fr"))
    assert client.get(reverse("events:bo_requests", kwargs={"pk": demo.pk})).status_code == 200
    assert client.get(reverse("events:bo_regform", kwargs={"pk": demo.pk})).status_code == 200
    assert client.get(reverse("events:bo_requests", kwargs={"pk": other.pk})).status_code == 403
    listing = client.get(reverse("events:bo_events")).content.decode()
    assert escape(demo.name) in listing and escape(other.name) not in listing
