"""Events API: public events and catalogue, CRM endpoints scoped per event, errors, schema;
and the large-event generator on a small run."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from civitas.core import tokens
from civitas.core.models import JournalEntry, Role, RoleAssignment
from civitas.core.permissions import clear_cache
from civitas.events.models import (
    Company,
    Event,
    Meeting,
    MeetingRequest,
    Representative,
    Room,
    Slot,
)
from tests.conftest import add_totp, make_user
from tests.events.conftest import make_company, make_event

pytestmark = pytest.mark.django_db


def url(name, slug=None):
    return reverse(f"events:{name}", kwargs={"slug": slug} if slug else None)


@pytest.fixture
def two_events(db):
    a = make_event("event-a")
    b = make_event("event-b")
    acme = make_company(
        a, "Acmé Robotique", reps=2, offers=[("offer", "Bras robotisés", ["Électronique"])]
    )
    beta = make_company(a, "Beta Logistique", offers=[("request", "Transport", ["fret"])])
    make_company(a, "Gamma En Attente", validated=False)
    secret = make_company(b, "Confidential B", reps=1)
    other_b = make_company(b, "Other B", reps=1)
    req = MeetingRequest.objects.create(
        event=a,
        sender=acme.representatives.first(),
        recipient=beta.representatives.first(),
        state=MeetingRequest.State.CONFIRMED,
    )
    Meeting.objects.create(
        event=a,
        request=req,
        slot=Slot.objects.filter(session__day__event=a).first(),
        room=Room.objects.get(site__event=a),
        table_number=3,
    )
    req_b = MeetingRequest.objects.create(
        event=b,
        sender=secret.representatives.first(),
        recipient=other_b.representatives.first(),
        state=MeetingRequest.State.CONFIRMED,
    )
    Meeting.objects.create(
        event=b,
        request=req_b,
        slot=Slot.objects.filter(session__day__event=b).first(),
        room=Room.objects.get(site__event=b),
        table_number=1,
    )
    hidden = make_event("event-hidden")
    Event.objects.filter(pk=hidden.pk).update(is_published=False)
    return {"a": a, "b": b, "acme": acme, "beta": beta, "hidden": hidden}


@pytest.fixture
def manager_a(two_events):
    """A secondary administrator with a role on event A only, and an API token."""
    role = Role.objects.create(
        code="event_crm",
        name="CRM of an event",
        permissions=["core.access_backoffice", "events.view_registrations"],
    )
    user = make_user("crm-a@example.org")
    add_totp(user)  # a back-office role: the second factor is required (issue 31)
    RoleAssignment.objects.create(
        user=user, role=role, scope_type="event", scope_id=two_events["a"].pk
    )
    clear_cache(user)
    return user


def token_client(user):
    client = APIClient()
    key = tokens.issue(user, "test", mfa_verified=True)[1]  # created after the second factor
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


# --- Public endpoints --------------------------------------------------------------


def test_event_list_and_detail_are_public_and_show_published_events_only(two_events):
    client = APIClient()
    r = client.get(url("api_events"))
    assert r.status_code == 200
    slugs = [e["slug"] for e in r.json()["results"]]
    assert slugs == ["event-a", "event-b"]  # the unpublished one is not listed
    first = r.json()["results"][0]
    assert first["name"] == "Salon event-a" and first["start_date"] == "2027-03-10"
    assert first["languages"] == ["fr", "en"]
    assert {"registration_opens", "registration_closes", "registration_open"} <= set(first)
    r = client.get(url("api_event", "event-a"))
    assert r.status_code == 200 and r.json()["id"] == two_events["a"].pk
    r = client.get(url("api_event", "event-hidden"))
    assert r.status_code == 404 and "event-hidden" in r.json()["detail"]


def test_unknown_slug_is_a_404_with_a_reason(two_events, users):
    for name in ("api_event", "api_catalogue"):
        r = APIClient().get(url(name, "nope"))
        assert r.status_code == 404
        assert "nope" in r.json()["detail"]
    r = token_client(users["principal"]).get(url("api_companies", "nope"))
    assert r.status_code == 404 and "nope" in r.json()["detail"]


def test_catalogue_shows_validated_companies_and_only_public_fields(two_events):
    a = two_events["a"]
    r = APIClient().get(url("api_catalogue", "event-a"))
    assert r.status_code == 200
    data = r.json()
    assert [c["name"] for c in data["results"]] == ["Acmé Robotique", "Beta Logistique"]
    acme = data["results"][0]
    assert acme["description"] == "Description de Acmé Robotique"
    assert acme["offers"][0]["title"] == "Bras robotisés"
    assert acme["offers"][0]["keywords"] == ["Électronique"]
    # Never private data in the public catalogue
    for private in ("siret", "email", "phone", "vat_number", "address", "representatives"):
        assert private not in acme
    # The event hides the description and the offers: they disappear from the API.
    a.public_fields = ["city"]
    a.save()
    acme = APIClient().get(url("api_catalogue", "event-a")).json()["results"][0]
    assert "description" not in acme and "offers" not in acme and "website" not in acme
    assert {"id", "name", "country", "city"} <= set(acme)


def test_catalogue_search_is_accent_insensitive_and_covers_offers(two_events):
    client = APIClient()

    def names(q):
        r = client.get(url("api_catalogue", "event-a"), {"q": q})
        assert r.status_code == 200
        return [c["name"] for c in r.json()["results"]]

    assert names("ACME") == ["Acmé Robotique"]
    assert names("electronique") == ["Acmé Robotique"]  # keyword of an offer, accent-free
    assert names("FRET") == ["Beta Logistique"]
    assert names("robotique bras") == ["Acmé Robotique"]  # all words must match
    assert names("robotique fret") == []
    assert names("attente") == []  # not validated: never in the catalogue


# --- CRM: authentication and scoping -------------------------------------------------


def test_crm_endpoints_refuse_anonymous_and_participants(two_events, users):
    for name in ("api_companies", "api_contacts", "api_meetings"):
        assert APIClient().get(url(name, "event-a")).status_code == 401
        assert token_client(users["participant"]).get(url(name, "event-a")).status_code == 403
        assert token_client(users["secondary"]).get(url(name, "event-a")).status_code == 403
    assert APIClient().get(url("api_crm_events")).status_code == 401
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert bad.get(url("api_companies", "event-a")).status_code == 401


def test_crm_by_token_and_by_session(two_events, users):
    principal = users["principal"]
    r = token_client(principal).get(url("api_companies", "event-a"))
    assert r.status_code == 200
    names = [c["name"] for c in r.json()["results"]]
    assert names == ["Acmé Robotique", "Beta Logistique", "Gamma En Attente"]
    acme = r.json()["results"][0]
    assert acme["siret"] == "73282932000074" and acme["status"] == "validated"
    assert len(acme["representatives"]) == 2
    session = APIClient()
    session.force_login(principal)
    r = session.get(url("api_contacts", "event-a"))
    assert r.status_code == 200
    contacts = r.json()["results"]
    assert {c["email"] for c in contacts} >= {
        "p0@acmérobotique.example",
        "p1@acmérobotique.example",
    }
    assert all(c["company_name"] != "Confidential B" for c in contacts)
    # The principal administrator sees every event in the CRM list, unpublished ones too.
    r = session.get(url("api_crm_events"))
    assert {e["slug"] for e in r.json()["results"]} == {"event-a", "event-b", "event-hidden"}


def test_meetings_endpoint(two_events, users):
    r = token_client(users["principal"]).get(url("api_meetings", "event-a"))
    assert r.status_code == 200
    [m] = r.json()["results"]
    assert m["table"] == 3 and m["room"] == "Hall A" and m["site"] == "CCI Paris"
    assert m["state"] == "scheduled" and m["session"] == "Matin"
    assert m["requester"]["company_name"] == "Acmé Robotique"
    assert m["recipient"]["company_name"] == "Beta Logistique"
    start = dt.datetime.fromisoformat(m["start"])
    assert timezone.localtime(start).hour == 9
    assert dt.datetime.fromisoformat(m["end"]) - start == dt.timedelta(minutes=20)


def test_secondary_admin_is_scoped_to_their_event(two_events, manager_a):
    client = token_client(manager_a)
    for name in ("api_companies", "api_contacts", "api_meetings"):
        r = client.get(url(name, "event-a"))
        assert r.status_code == 200, name
        assert "Confidential B" not in r.content.decode()
        r = client.get(url(name, "event-b"))
        assert r.status_code == 404 and "event-b" in r.json()["detail"]
        assert "Confidential" not in r.content.decode()
    r = client.get(url("api_crm_events"))
    assert [e["slug"] for e in r.json()["results"]] == ["event-a"]
    # Reads of personal data are journalled, per event.
    entries = JournalEntry.objects.filter(action="events.api_contacts_read")
    assert entries.count() == 1


def test_crm_lists_are_paginated(two_events, users):
    a = two_events["a"]
    company = Company.objects.create(event=a, name="Big", status="validated")
    Representative.objects.bulk_create(
        Representative(company=company, first_name="R", last_name=str(i), email=f"{i}@b.example")
        for i in range(60)
    )
    client = token_client(users["principal"])
    page1 = client.get(url("api_contacts", "event-a")).json()
    assert page1["count"] == 64 and len(page1["results"]) == 50 and page1["next"]
    page2 = client.get(page1["next"]).json()
    assert len(page2["results"]) == 14
    r = client.get(url("api_contacts", "event-a"), {"page": 9})
    assert r.status_code == 404 and r.json()["detail"]


def test_updated_since_filters_and_rejects_bad_dates(two_events, users):
    a = two_events["a"]
    client = token_client(users["principal"])
    past = timezone.now() - dt.timedelta(days=2)
    Company.objects.filter(event=a).update(updated_at=past)
    Representative.objects.filter(company__event=a).update(updated_at=past)
    Meeting.objects.filter(event=a).update(updated_at=past)
    # A queryset update moves updated_at forward by itself.
    Company.objects.filter(name="Beta Logistique").update(validated_at=timezone.now())
    contact = Representative.objects.get(company__name="Acmé Robotique", first_name="P1")
    contact.phone = "+33699999999"
    contact.save(update_fields=["phone"])  # updated_at is added to update_fields
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    r = client.get(url("api_companies", "event-a"), {"updated_since": since})
    assert [c["name"] for c in r.json()["results"]] == ["Beta Logistique"]
    r = client.get(url("api_contacts", "event-a"), {"updated_since": since})
    assert [c["id"] for c in r.json()["results"]] == [contact.pk]
    r = client.get(url("api_meetings", "event-a"), {"updated_since": since})
    assert r.json()["results"] == [] and r.json()["next_cursor"] is None
    old = (past - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")  # naive: local time
    assert (
        len(client.get(url("api_meetings", "event-a"), {"updated_since": old}).json()["results"])
        == 1
    )
    for bad in ("yesterday", "2027-13-45T00:00:00", "2027-02-30"):
        r = client.get(url("api_companies", "event-a"), {"updated_since": bad})
        assert r.status_code == 400, bad
        assert "updated_since" in r.json()["detail"] and bad in r.json()["detail"]


def test_schema_documents_the_events_api(client):
    r = client.get("/api/schema/", {"format": "json"})
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in (
        "/api/v1/events/",
        "/api/v1/events/crm/",
        "/api/v1/events/{slug}/",
        "/api/v1/events/{slug}/catalogue/",
        "/api/v1/events/{slug}/companies/",
        "/api/v1/events/{slug}/contacts/",
        "/api/v1/events/{slug}/meetings/",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/events/{slug}/meetings/"]["get"]["parameters"]}
    assert {"slug", "page", "updated_since"} <= params
    assert all(p.startswith("/api/") for p in paths)


# --- Generator -----------------------------------------------------------------------


def test_generate_large_event_small_run():
    out = io.StringIO()
    call_command(
        "generate_large_event",
        "--participants=40",
        "--meetings=60",
        "--slug=petit-salon",
        "--schedule",
        "--time-limit=10",
        stdout=out,
    )
    event = Event.objects.get(slug="petit-salon")
    assert event.companies.filter(status="validated").count() == 20
    assert Representative.objects.filter(company__event=event).count() == 40
    requests = event.meeting_requests.all()
    assert requests.filter(state="confirmed").count() == 60
    pairs = {frozenset((r.sender_id, r.recipient_id)) for r in requests}
    assert len(pairs) == 60  # distinct pairs
    assert not requests.filter(sender__company=models_f("recipient__company")).exists()
    assert event.days.count() == 2
    assert Slot.objects.filter(session__day__event=event).count() == 40  # 2 days × 2 × 10
    placed = Meeting.objects.filter(event=event, state="scheduled").count()
    run = event.schedule_runs.get()
    assert run.requested == 60 and run.scheduled == placed > 0
    text = out.getvalue()
    assert "20 companies, 40 participants, 60 confirmed requests" in text
    assert f"{placed} placed" in text and "fill rate" in text
    # Searchable like a registered company
    assert event.companies.filter(search_text__contains="entreprise generee").count() == 20
    # Accounts for simulated users: verified e-mail, the given password, linked.
    call_command(
        "generate_large_event",
        "--participants=10",
        "--meetings=5",
        "--slug=avec-comptes",
        "--accounts=3",
        "--password=Bench-password-2027",
        stdout=io.StringIO(),
    )
    linked = Representative.objects.filter(company__event__slug="avec-comptes", user__isnull=False)
    assert linked.count() == 3
    assert len({r.company_id for r in linked}) == 3  # one per company first
    user = linked.first().user
    assert user.check_password("Bench-password-2027") and user.email == linked.first().email
    assert user.emailaddress_set.get().verified
    with pytest.raises(CommandError, match="password"):
        call_command("generate_large_event", "--slug=x", "--accounts=2", "--participants=10")
    # Refused without --replace, then regenerated with it.
    with pytest.raises(CommandError, match="already exists"):
        call_command("generate_large_event", "--participants=40", "--slug=petit-salon")
    call_command(
        "generate_large_event",
        "--participants=10",
        "--meetings=5",
        "--slug=petit-salon",
        "--replace",
        stdout=io.StringIO(),
    )
    event = Event.objects.get(slug="petit-salon")
    assert event.meeting_requests.count() == 5 and event.companies.count() == 5


def models_f(name):
    from django.db.models import F

    return F(name)
