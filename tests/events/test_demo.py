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
    call_command("load_events_demo", companies=24, requests=30, stdout=io.StringIO())
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


def test_demo_companies_read_like_a_real_convention(demo, client):
    """Believable names, a city of the company's country, offers and requests from the
    curated list of the company's NACE section, and suggestions that pair them."""
    from civitas.events.management.commands import _demo_catalogue as catalogue
    from civitas.events.models import Company, Offer
    from civitas.events.services import suggestions

    companies = list(Company.objects.filter(event=demo).select_related("sector"))
    demo_companies = [c for c in companies if c.representatives.filter(email__endswith=".example")]
    assert len(demo_companies) >= 24
    assert len({c.name for c in companies}) == len(companies)
    assert not any(c.name.startswith("Entreprise ") for c in companies)
    assert {c.country for c in demo_companies} - {"FR"}, "some European companies"
    for c in demo_companies:
        cities = [city for city, _code in catalogue.COUNTRIES[c.country][4]] + ["Montreuil"]
        assert c.city in cities, (c.name, c.country, c.city)
        section = next(s for s in catalogue.SECTORS if s.code == c.sector.code)
        words = {fr for t in section.themes for fr, _en in t.keywords}
        for offer in c.offers.prefetch_related("keywords"):
            assert offer.description
            assert {k.label_fr for k in offer.keywords.all()} <= words, (c.sector, offer.title)
            lang = 0 if c.country in catalogue.FRENCH_SPEAKING else 1
            titles = {getattr(t, offer.kind)[lang] for t in section.themes}
            assert offer.title in titles, (c.country, offer.title)
    # Requests mostly go from a need to an offer that answers it.
    matched = [
        r
        for r in MeetingRequest.objects.filter(event=demo).select_related("sender", "recipient")
        if Offer.objects.filter(company__representatives=r.recipient, kind="offer")
        .filter(keywords__offer__company__representatives=r.sender, keywords__offer__kind="request")
        .exists()
    ]
    assert len(matched) >= MeetingRequest.objects.filter(event=demo).count() // 3
    # The demo participant sells what her messages talk about, and is suggested partners.
    rep = Representative.objects.get(email="participant@demo.civitas.fr")
    assert rep.company.sector.code == "D"
    titles = set(rep.company.offers.values_list("title", flat=True))
    assert "Bornes de recharge pour flottes d'entreprise" in titles
    found = suggestions.suggestions(rep)
    assert any(t in reason for s in found for reason in s.reasons for t in titles)


def test_demo_catalogue_is_deterministic():
    import random

    from civitas.events.management.commands._demo_catalogue import Planner

    def draw():
        planner = Planner(random.Random(3))
        return [planner.company(i, 2) for i in range(30)]

    first, second = draw(), draw()
    assert first == second
    assert first[0].name == "Dubois Électricité" and first[0].city == "Montreuil"
    assert len({p.name for p in first}) == 30


def test_demo_coorganiser_sees_its_own_companies_only(demo, client):
    """coorganisateur@demo.civitas.fr (listed among the demo accounts) holds the
    Co-organiser role on the demo CCI following the German companies."""
    from civitas.events.apps import MODULE
    from civitas.events.models import Company

    assert "coorganisateur@demo.civitas.fr" in [e for e, _w in MODULE.demo_accounts]
    client.force_login(User.objects.get(email="coorganisateur@demo.civitas.fr"))
    space = reverse("events:bo_coorg_space", kwargs={"pk": demo.pk})
    assert space in client.get(reverse("events:bo_events")).content.decode()
    page = client.get(space).content.decode()
    german = Company.objects.filter(event=demo, country="DE")
    assert german.filter(status="registered", name="Schneider Feinmechanik GmbH").exists()
    assert all(c.co_organiser is not None for c in german)
    for c in german:
        assert escape(c.name) in page
    for c in Company.objects.filter(event=demo).exclude(country="DE")[:5]:
        assert escape(c.name) not in page
    assert client.get(reverse("events:bo_event", kwargs={"pk": demo.pk})).status_code == 403
