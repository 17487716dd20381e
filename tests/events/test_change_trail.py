"""Every write to event data leaves a change trail entry naming the actor (seed 003 §15.3):
back office, API and background jobs; the registration's trail page shows it."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from civitas.core import audit
from civitas.core.models import Role, RoleAssignment
from civitas.core.permissions import clear_cache
from civitas.events.models import Company, Offer, Representative
from civitas.events.services import trail
from tests.conftest import add_totp, make_user
from tests.events.conftest import make_company, make_event
from tests.events.test_api import token_client

pytestmark = pytest.mark.django_db


def entries_for(obj):
    ct = ContentType.objects.get_for_model(type(obj))
    return LogEntry.objects.filter(content_type=ct, object_pk=str(obj.pk)).order_by("pk")


def role_user(email, perms, event):
    role = Role.objects.get_or_create(
        code=email.split("@")[0], defaults={"name": email, "permissions": perms}
    )[0]
    user = make_user(email)
    add_totp(user)
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=event.pk)
    clear_cache(user)
    return user


def test_event_models_are_registered_through_the_module_description():
    from civitas.core import modules

    events = modules.get("events")
    labels = {t.model for t in events.change_trail}
    assert {"events.Company", "events.Representative", "events.Offer", "events.Session"} <= labels
    for model in (Company, Representative, Offer):
        assert audit.is_registered(model)


def test_back_office_validation_leaves_an_entry_with_the_actor(client):
    event = make_event("trail-bo")
    company = make_company(event, "Acme", validated=False)
    user = role_user("validator@example.org", ["events.validate_registrations"], event)
    client.force_login(user)
    url = reverse(
        "events:bo_registration_action",
        kwargs={"pk": event.pk, "company_pk": company.pk, "action": "validate"},
    )
    assert client.post(url).status_code == 302
    last = entries_for(company).last()
    assert last.action == LogEntry.Action.UPDATE
    assert last.actor == user
    assert last.changes["status"][1] == Company.Status.VALIDATED
    assert last.remote_addr == "127.0.0.1"


def test_api_edit_leaves_an_entry_with_the_token_user():
    event = make_event("trail-api")
    company = make_company(event, "Acme")
    writer = role_user(
        "writer@example.org", ["events.view_registrations", "events.api_write"], event
    )
    api = token_client(writer)
    url = reverse("events:api_company", kwargs={"slug": event.slug, "pk": company.pk})
    r = api.patch(url, {"city": "Brest"}, format="json")
    assert r.status_code == 200, r.content
    last = entries_for(company).last()
    assert last.actor == writer
    assert last.changes["city"] == ["", "Brest"]
    # A contact created through the API: a create entry with the same actor.
    r = api.post(
        reverse("events:api_contacts", kwargs={"slug": event.slug}),
        {"company": company.pk, "first_name": "Zoé", "last_name": "Api", "email": "z@a.example"},
        format="json",
    )
    assert r.status_code == 201, r.content
    rep = Representative.objects.get(email="z@a.example")
    created = entries_for(rep).first()
    assert created.action == LogEntry.Action.CREATE and created.actor == writer
    # Tokens never land in the trail.
    assert "calendar_token" not in created.changes and "checkin_token" not in created.changes


def test_create_update_delete_without_a_request_are_trailed_and_acting_as_names_the_actor():
    event = make_event("trail-svc")
    company = make_company(event, "Acme", reps=2)
    rep = company.representatives.order_by("pk").first()
    boss = make_user("boss@example.org")
    with audit.acting_as(boss):
        rep.job_title = "CEO"
        rep.save()
    entry = entries_for(rep).last()
    assert entry.actor == boss and entry.changes["job_title"] == ["", "CEO"]
    rep_pk = rep.pk
    rep.delete()
    deleted = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Representative), object_pk=str(rep_pk)
        )
        .order_by("pk")
        .last()
    )
    assert deleted.action == LogEntry.Action.DELETE and deleted.actor is None
    # The registration's trail still shows the deleted representative.
    pks = {(e.content_type.model, e.object_pk) for e in trail.registration_trail(company)}
    assert ("representative", str(rep_pk)) in pks
    assert ("company", str(company.pk)) in pks


def test_acting_as_inside_a_request_context_restores_the_request_actor():
    from auditlog.context import set_actor

    event = make_event("trail-nest")
    company = make_company(event, "Acme")
    web, job = make_user("web@example.org"), make_user("job@example.org")
    with set_actor(web):
        with audit.acting_as(job):
            company.city = "Metz"
            company.save()
        company.city = "Nancy"
        company.save()
    first, second = list(entries_for(company))[-2:]
    assert first.actor == job and second.actor == web


def test_job_actor_uses_the_owner_of_the_job():
    from civitas.core import jobs

    event = make_event("trail-job")
    company = make_company(event, "Acme")
    owner = make_user("owner@example.org")
    progress = jobs.create("test", "Test", owner=owner)

    @audit.job_actor
    def work(company_id, progress_id):
        Company.objects.filter(pk=company_id).first().save()
        c = Company.objects.get(pk=company_id)
        c.city = "Toul"
        c.save()

    work(company.pk, progress_id=str(progress.pk))
    assert entries_for(company).last().actor == owner


def test_trail_page_is_linked_from_the_registration_and_shows_the_changes(client_for, client):
    event = make_event("trail-page")
    company = make_company(event, "Acme")
    company.city = "Épinal"
    company.save()
    detail = reverse("events:bo_registration", kwargs={"pk": event.pk, "company_pk": company.pk})
    url = reverse("events:bo_registration_trail", kwargs={"pk": event.pk, "company_pk": company.pk})
    principal = client_for("principal", lang="en")
    assert url in principal.get(detail).content.decode()
    page = principal.get(url).content.decode()
    assert "Épinal" in page and "Acme" in page
    # Seeing registrations is not enough to read who changed what.
    reader = role_user("reader@example.org", ["events.view_registrations"], event)
    client.force_login(reader)
    assert url not in client.get(detail).content.decode()
    assert client.get(url).status_code == 403
    # Another event's company is not reachable through this event's address.
    other = make_company(make_event("trail-other"), "Other")
    wrong = reverse("events:bo_registration_trail", kwargs={"pk": event.pk, "company_pk": other.pk})
    assert principal.get(wrong).status_code == 404


def test_erasing_a_representative_empties_the_trail_entries_about_them():
    from civitas.core.gdpr.services import Subject, erase

    event = make_event("trail-gdpr")
    company = make_company(event, "Acme")
    rep = company.representatives.get()
    admin = make_user("admin-trail@example.org")
    with audit.acting_as(admin):
        rep.phone = "+33699999999"
        rep.save()
    about_rep = list(entries_for(rep))
    assert len(about_rep) >= 2
    erase(Subject.find(rep.email))
    dumped = " ".join(str(e.changes) + e.object_repr for e in entries_for(rep))
    assert "p0@acme.example" not in dumped and "+33699999999" not in dumped
    # The entries stay (the trail shows that something changed, and when).
    assert entries_for(rep).count() == len(about_rep)


def test_a_background_scheduling_run_names_who_started_it(django_capture_on_commit_callbacks):
    """A new full run replaces the unlocked draft meetings: their deletion is trailed with
    the organiser who started the run (the task's job owner) as the actor."""
    from civitas.events.models import Meeting, MeetingRequest
    from civitas.events.services import scheduling

    event = make_event("trail-sched", tables=5)
    a = make_company(event, "Alpha").representatives.get()
    b = make_company(event, "Beta").representatives.get()
    MeetingRequest.objects.create(
        event=event, sender=a, recipient=b, state=MeetingRequest.State.CONFIRMED
    )
    first, second = make_user("first@example.org"), make_user("second@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.start(event, user=first)
    draft = Meeting.objects.get(event=event, state=Meeting.State.SCHEDULED)
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.start(event, user=second)
    deleted = entries_for(draft).last()
    assert deleted.action == LogEntry.Action.DELETE and deleted.actor == second


def test_many_to_many_changes_are_shown_on_both_history_pages(client_for):
    from civitas.events.models import Expert, ExpertiseField

    event = make_event("trail-m2m")
    field = ExpertiseField.objects.create(event=event, label_fr="Export")
    expert = Expert.objects.create(
        event=event, first_name="Eve", last_name="Expert", email="e@x.fr"
    )
    expert.fields.add(field)
    principal = client_for("principal", lang="en")
    page = principal.get(reverse("core:changes"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "added Export" in html
