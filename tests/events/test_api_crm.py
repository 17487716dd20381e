"""CRM API: writes (companies, contacts) with field errors, scope (403/404), journal;
incremental sync with updated_since and the keyset cursor; tombstones; attendance."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from civitas.core.models import JournalEntry, Role, RoleAssignment
from civitas.core.permissions import clear_cache
from civitas.events.models import (
    Company,
    DeletedRecord,
    Meeting,
    MeetingRequest,
    Representative,
    Room,
    Session,
    Slot,
)
from civitas.events.services import meetings as meeting_svc
from tests.conftest import add_totp, make_user
from tests.events.conftest import make_company, make_event
from tests.events.test_api import token_client as _token_client

pytestmark = pytest.mark.django_db


def token_client(user):
    client = _token_client(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def u(name, slug, **kw):
    return reverse(f"events:{name}", kwargs={"slug": slug, **kw})


@pytest.fixture
def setup(db):
    a = make_event("event-a")
    b = make_event("event-b")
    acme = make_company(a, "Acme", reps=2)
    beta = make_company(a, "Beta")
    secret = make_company(b, "Secret B")

    def role(code, perms, event):
        r = Role.objects.get_or_create(code=code, defaults={"name": code, "permissions": perms})[0]
        user = make_user(f"{code}@example.org")
        add_totp(user)  # a back-office role: the API asks for the second factor (issue 31)
        RoleAssignment.objects.create(user=user, role=r, scope_type="event", scope_id=event.pk)
        clear_cache(user)
        return user

    reader = role("crm_reader", ["events.view_registrations"], a)
    writer = role("crm_writer", ["events.view_registrations", "events.api_write"], a)
    return {
        "a": a,
        "b": b,
        "acme": acme,
        "beta": beta,
        "secret": secret,
        "reader": reader,
        "writer": writer,
    }


NEW_COMPANY = {
    "name": "Delta Industrie",
    "country": "FR",
    "siret": "73282932000074",
    "city": "Lyon",
    "email": "contact@delta.example",
}


def test_create_company_journalled_and_readable(setup):
    client = token_client(setup["writer"])
    r = client.post(u("api_companies", "event-a"), NEW_COMPANY, format="json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["status"] == "registered" and data["siret"] == "73282932000074"
    company = Company.objects.get(pk=data["id"])
    assert company.event == setup["a"] and "delta" in company.search_text
    assert r["Location"].endswith(u("api_company", "event-a", pk=company.pk))
    entry = JournalEntry.objects.get(action="events.api_company_created")
    assert entry.object_id == str(company.pk) and entry.actor_id == setup["writer"].pk
    r = client.get(u("api_company", "event-a", pk=company.pk))
    assert r.status_code == 200 and r.json()["name"] == "Delta Industrie"


def test_validation_errors_are_400_per_field_and_nothing_saved(setup):
    client = token_client(setup["writer"])
    before = Company.objects.count()
    r = client.post(
        u("api_companies", "event-a"),
        {"name": "", "country": "France", "website": "pas une adresse", "colour": "red"},
        format="json",
    )
    assert r.status_code == 400
    errors = r.json()
    assert errors == {"colour": ["Unknown field."]}  # shape first: unknown fields refused
    r = client.post(
        u("api_companies", "event-a"),
        {"name": "", "country": "1X", "website": "pas une adresse"},
        format="json",
    )
    errors = r.json()
    assert r.status_code == 400 and {"name", "country", "website"} <= set(errors)
    assert "two-letter" in errors["country"][0]
    r = client.post(u("api_companies", "event-a"), {**NEW_COMPANY, "siret": "123"}, format="json")
    assert r.status_code == 400 and "SIRET" in r.json()["siret"][0]
    r = client.post(u("api_companies", "event-a"), {**NEW_COMPANY, "sector": "x"}, format="json")
    assert r.status_code == 400 and r.json()["sector"] == ["An id (integer) is expected."]
    other_sector = setup["b"].sectors.first()
    r = client.post(
        u("api_companies", "event-a"), {**NEW_COMPANY, "sector": other_sector.pk}, format="json"
    )
    assert r.status_code == 400 and "sector" in r.json()  # a sector of another event
    r = client.post(u("api_companies", "event-a"), ["not", "an", "object"], format="json")
    assert r.status_code == 400 and r.json()["non_field_errors"]
    assert Company.objects.count() == before


def test_patch_changes_only_what_is_sent_and_put_replaces(setup):
    client = token_client(setup["writer"])
    acme = setup["acme"]
    sector = setup["a"].sectors.first()
    before = acme.updated_at
    r = client.patch(
        u("api_company", "event-a", pk=acme.pk),
        {"city": "Nantes", "sector": sector.pk, "status": "ignored", "id": 999},
        format="json",
    )
    assert r.status_code == 200, r.content
    acme.refresh_from_db()
    assert acme.city == "Nantes" and acme.sector == sector and acme.name == "Acme"
    assert acme.status == "validated" and acme.updated_at > before  # status is read-only
    assert r.json()["sector"] == {"id": sector.pk, "code": sector.code, "label": sector.label}
    entry = JournalEntry.objects.get(action="events.api_company_updated")
    assert set(entry.details["fields"]) == {"city", "sector"}
    # PUT without the required fields: refused, nothing changed.
    r = client.put(u("api_company", "event-a", pk=acme.pk), {"city": "Brest"}, format="json")
    assert r.status_code == 400 and {"name", "country"} <= set(r.json())
    acme.refresh_from_db()
    assert acme.city == "Nantes"
    r = client.put(u("api_company", "event-a", pk=acme.pk), NEW_COMPANY, format="json")
    assert r.status_code == 200
    acme.refresh_from_db()
    assert acme.name == "Delta Industrie" and acme.sector is None and acme.description == ""


def test_contacts_create_update_and_email_rule(setup):
    client = token_client(setup["writer"])
    beta = setup["beta"]
    session = Session.objects.get(day__event=setup["a"])
    body = {
        "company": beta.pk,
        "first_name": "Léa",
        "last_name": "Martin",
        "email": "lea@beta.example",
        "absent_sessions": [session.pk],
    }
    r = client.post(u("api_contacts", "event-a"), body, format="json")
    assert r.status_code == 201, r.content
    rep = Representative.objects.get(pk=r.json()["id"])
    assert rep.company == beta and list(rep.absent_sessions.all()) == [session]
    assert rep.user is None  # no account created silently
    assert JournalEntry.objects.filter(action="events.api_contact_created").count() == 1
    # The same e-mail twice in the event: refused on the field.
    r = client.post(
        u("api_contacts", "event-a"), {**body, "email": "P0@acme.example"}, format="json"
    )
    assert r.status_code == 400 and "already registered" in r.json()["email"][0]
    # A company of another event: 400 on the field, and the form errors come too.
    r = client.post(
        u("api_contacts", "event-a"),
        {**body, "company": setup["secret"].pk, "email": "bad"},
        format="json",
    )
    assert r.status_code == 400
    assert f"#{setup['secret'].pk}" in r.json()["company"][0] and "email" in r.json()
    r = client.post(u("api_contacts", "event-a"), {**body, "absent_sessions": "x"}, format="json")
    assert r.status_code == 400 and r.json()["absent_sessions"]
    # Update
    r = client.patch(
        u("api_contact", "event-a", pk=rep.pk),
        {"job_title": "Acheteuse", "absent_sessions": []},
        format="json",
    )
    assert r.status_code == 200
    rep.refresh_from_db()
    assert rep.job_title == "Acheteuse" and rep.absent_sessions.count() == 0
    assert rep.first_name == "Léa"
    r = client.patch(
        u("api_contact", "event-a", pk=rep.pk), {"company": setup["acme"].pk}, format="json"
    )
    assert r.status_code == 400 and "another company" in r.json()["company"][0]


def test_scope_reader_gets_403_on_writes_other_event_404(setup):
    reader = token_client(setup["reader"])
    writer = token_client(setup["writer"])
    acme, secret = setup["acme"], setup["secret"]
    r = reader.post(u("api_companies", "event-a"), NEW_COMPANY, format="json")
    assert r.status_code == 403 and "events.api_write" in r.json()["detail"]
    r = reader.patch(u("api_company", "event-a", pk=acme.pk), {"city": "X"}, format="json")
    assert r.status_code == 403
    assert reader.get(u("api_company", "event-a", pk=acme.pk)).status_code == 200
    # Event B is out of scope: 404, whatever the method, nothing revealed.
    for method, name, pk in [
        ("get", "api_company", secret.pk),
        ("patch", "api_company", secret.pk),
        ("get", "api_contact", secret.representatives.first().pk),
    ]:
        r = getattr(writer, method)(u(name, "event-b", pk=pk), {}, format="json")
        assert r.status_code == 404 and "Secret" not in r.content.decode()
    # A record of event B through event A's address: 404 too.
    r = writer.patch(u("api_company", "event-a", pk=secret.pk), {"city": "X"}, format="json")
    assert r.status_code == 404
    secret.refresh_from_db()
    assert secret.city == ""
    r = writer.get(u("api_contact", "event-a", pk=secret.representatives.first().pk))
    assert r.status_code == 404
    assert not JournalEntry.objects.filter(action__startswith="events.api_company_").exists()


def test_sync_cursor_pages_without_gaps_when_records_change(setup):
    a = setup["a"]
    company = Company.objects.create(event=a, name="Big", status="validated")
    reps = Representative.objects.bulk_create(
        Representative(company=company, first_name="R", last_name=str(i), email=f"{i}@b.example")
        for i in range(12)
    )
    base = timezone.now() - dt.timedelta(hours=1)
    Representative.objects.filter(company__event=a).update(updated_at=base)
    # Same date for all: the id breaks the ties.
    client = token_client(setup["writer"])
    since = (base - dt.timedelta(seconds=1)).isoformat()
    seen = []
    r = client.get(u("api_contacts", "event-a"), {"updated_since": since, "page_size": 5})
    page = r.json()
    assert set(page) == {"next", "next_cursor", "results"} and len(page["results"]) == 5
    seen += [c["id"] for c in page["results"]]
    # A record already read changes meanwhile: it moves to the end, the next pages go on.
    first = Representative.objects.get(pk=seen[0])
    first.job_title = "changed"
    first.save()
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [c["id"] for c in page["results"]]
    all_ids = sorted(Representative.objects.filter(company__event=a).values_list("pk", flat=True))
    assert sorted(set(seen)) == all_ids  # nothing skipped
    assert seen[-1] == first.pk and seen.count(first.pk) == 2  # the change is seen again
    assert len(reps) == 12
    bad = client.get(u("api_contacts", "event-a"), {"cursor": "garbage"})
    assert bad.status_code == 400 and "cursor" in bad.json()["detail"]


def test_cancelled_meeting_and_deleted_records_are_visible_to_the_sync(setup):
    a = setup["a"]
    acme, beta = setup["acme"], setup["beta"]
    req = MeetingRequest.objects.create(
        event=a,
        sender=acme.representatives.first(),
        recipient=beta.representatives.first(),
        state=MeetingRequest.State.CONFIRMED,
    )
    meeting = Meeting.objects.create(
        event=a,
        request=req,
        slot=Slot.objects.filter(session__day__event=a).first(),
        room=Room.objects.get(site__event=a),
        table_number=1,
        published=True,
    )
    client = token_client(setup["writer"])
    mark = timezone.now()
    meeting_svc.cancel_request(req, None, "test")
    r = client.get(u("api_meetings", "event-a"), {"updated_since": mark.isoformat()})
    [m] = r.json()["results"]
    assert m["id"] == meeting.pk and m["state"] == "cancelled"
    r = client.get(u("api_requests", "event-a"), {"updated_since": mark.isoformat()})
    assert [x["state"] for x in r.json()["results"]] == ["cancelled"]
    # Deleting a contact leaves a tombstone, readable per event only.
    rep = req.sender
    rep_pk = rep.pk
    offer_count = DeletedRecord.objects.count()
    rep.delete()
    r = client.get(u("api_deletions", "event-a"), {"updated_since": mark.isoformat()})
    kinds = {(d["kind"], d["object_id"]) for d in r.json()["results"]}
    assert {("contact", rep_pk), ("request", req.pk), ("meeting", meeting.pk)} <= kinds
    assert DeletedRecord.objects.count() > offer_count
    assert client.get(u("api_deletions", "event-b")).status_code == 404
    # Deleting the whole event removes its tombstones with it.
    event_id = a.pk
    a.delete()
    assert not DeletedRecord.objects.filter(event_id=event_id).exists()


def test_attendance_lists_sessions_and_meetings(setup):
    a = setup["a"]
    acme, beta = setup["acme"], setup["beta"]
    session = Session.objects.get(day__event=a)
    rep = acme.representatives.first()
    req = MeetingRequest.objects.create(
        event=a, sender=rep, recipient=beta.representatives.first(), state="confirmed"
    )
    Meeting.objects.create(
        event=a,
        request=req,
        slot=Slot.objects.filter(session=session).first(),
        room=Room.objects.get(site__event=a),
        table_number=1,
    )
    other = acme.representatives.last()
    other.absent_sessions.add(session)
    r = token_client(setup["reader"]).get(u("api_attendance", "event-a"))
    assert r.status_code == 200
    rows = {row["contact"]: row for row in r.json()["results"]}
    assert rows[rep.pk]["sessions"] == [
        {
            "session": session.pk,
            "name": "Matin",
            "date": "2027-03-10",
            "attends": True,
            "meetings": 1,
        }
    ]
    assert rows[other.pk]["sessions"][0]["attends"] is False
    assert setup["secret"].representatives.first().pk not in rows
    assert JournalEntry.objects.filter(action="events.api_attendance_read").count() == 1


def test_schema_documents_writes_and_sync(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    company = paths["/api/v1/events/{slug}/companies/{id}/"]
    assert {"get", "put", "patch"} <= set(company)
    assert "400" in company["patch"]["responses"]
    assert "post" in paths["/api/v1/events/{slug}/contacts/"]
    for path in ("requests", "attendance", "deletions"):
        params = {p["name"] for p in paths[f"/api/v1/events/{{slug}}/{path}/"]["get"]["parameters"]}
        assert {"updated_since", "cursor", "page_size"} <= params, path


def test_the_write_schemas_document_the_forms_fields():
    """The company and contact field lists exist once (events/forms.py): the write views take
    them from the forms, the read serializers include them, the documented write schemas
    list the same fields."""
    from civitas.events.api import serializers as s
    from civitas.events.api import views
    from civitas.events.forms import COMPANY_FIELDS, REPRESENTATIVE_FIELDS

    assert list(s.CompanyWriteSerializer().fields) == COMPANY_FIELDS
    assert list(s.ContactWriteSerializer().fields) == ["company", *REPRESENTATIVE_FIELDS]
    assert set(COMPANY_FIELDS) <= set(s.CrmCompanySerializer.Meta.fields)
    assert set(REPRESENTATIVE_FIELDS) <= set(s.ContactSerializer.Meta.fields)
    assert views.CompanyWriting.form_class._meta.fields == COMPANY_FIELDS
    assert views.ContactWriting.form_class._meta.fields == REPRESENTATIVE_FIELDS
