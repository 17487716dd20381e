"""Saved reports of an event (issue 30): columns chosen and ordered, the source's filters,
downloads (CSV, XLSX, PDF), scope checks and scheduled runs."""

import csv
import datetime as dt
import hashlib
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from civitas.core import accounts
from civitas.core.exports import reports, services
from civitas.core.exports.models import SavedReport, ScheduledExport
from civitas.core.exports.registry import InvalidFilter
from civitas.core.models import JournalEntry, Role, RoleAssignment
from civitas.events.exports import ParticipantExporter
from tests.conftest import add_totp, make_user

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db

PERMS = [
    "core.access_backoffice",
    "events.view_registrations",
    "events.manage_event",
    "exports.schedule_exports",
]
KEYS = [key for key, _label in ParticipantExporter.columns]


@pytest.fixture(autouse=True)
def english(settings):
    """Headers and messages are read in English (the source language)."""
    settings.LANGUAGE_CODE = "en"


def organiser(event, email="organiser@example.org", perms=PERMS):
    role, _created = Role.objects.get_or_create(
        code="report_test_" + hashlib.sha256(" ".join(sorted(perms)).encode()).hexdigest()[:10],
        defaults={"name": "Organiser", "permissions": perms},
    )
    user = make_user(email)
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=event.pk)
    add_totp(user)
    return user


@pytest.fixture
def two_events(db):
    x = make_event("event-x")
    y = make_event("event-y")
    make_company(x, "Xenon Industries", reps=2)
    make_company(x, "Xylo Tech")
    make_company(y, "Ypsilon Works")
    return x, y


def columns_post(order):
    """{key: position} -> the form fields ticking and numbering these columns."""
    data = {"columns": list(order)}
    for i, key in enumerate(KEYS):
        data[f"order_{i}"] = str(order.get(key, ""))
    return data


def save(client, event, source="events.participants", action="save", **fields):
    data = {"source": source, "name": "Contacts", "shared": "on", "action": action}
    data.update(fields)
    return client.post(reverse("events:bo_report_new", args=[event.pk]), data)


def run(client, event, report, fmt):
    return client.get(reverse("events:bo_report_run", args=[event.pk, report.pk, fmt]))


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


def test_columns_chosen_and_ordered_in_csv_and_xlsx(client, two_events):
    x, _y = two_events
    client.force_login(organiser(x))
    response = save(client, x, **columns_post({"email": 1, "company": 2, "last_name": 3}))
    assert response.status_code == 302, response.content.decode()[:2000]
    report = SavedReport.objects.get()
    assert report.columns == ["email", "company", "last_name"]
    assert report.params == {"event": str(x.pk)}
    assert (report.scope_type, report.scope_id) == ("event", x.pk)

    rows = csv_rows(run(client, x, report, "csv"))
    assert rows[0] == ["E-mail", "Company", "Last name"]
    assert sorted(rows[1:]) == [
        ["p0@xenonindustries.example", "Xenon Industries", "Xenon Industries"],
        ["p0@xylotech.example", "Xylo Tech", "Xylo Tech"],
        ["p1@xenonindustries.example", "Xenon Industries", "Xenon Industries"],
    ]

    response = run(client, x, report, "xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["E-mail", "Company", "Last name"]
    assert sorted(values[1:]) == sorted(rows[1:])
    response = run(client, x, report, "json")
    data = json.loads(b"".join(response.streaming_content))
    assert [list(item) for item in data] == [["email", "company", "last_name"]] * 3
    entry = JournalEntry.objects.filter(action="export.events.participants").latest("pk")
    assert entry.details["report"] == report.pk
    assert (entry.scope_type, entry.scope_id) == ("event", x.pk)


def test_positions_reorder_and_a_filter_narrows(client, two_events):
    x, _y = two_events
    client.force_login(organiser(x))
    response = save(
        client, x, **columns_post({"company": 2, "first_name": 1}), f_q="Xylo", f_status=""
    )
    assert response.status_code == 302
    report = SavedReport.objects.get()
    assert report.columns == ["first_name", "company"]
    assert report.params == {"event": str(x.pk), "q": "Xylo"}
    assert csv_rows(run(client, x, report, "csv")) == [
        ["First name", "Company"],
        ["P0", "Xylo Tech"],
    ]


def test_preview_shows_the_first_rows_without_saving(client, two_events):
    x, _y = two_events
    client.force_login(organiser(x))
    response = save(client, x, action="preview", **columns_post({"company": 1, "email": 2}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview: 3 rows in all" in page
    assert "p1@xenonindustries.example" in page and "Ypsilon" not in page
    assert not SavedReport.objects.exists()


def test_a_bad_filter_is_a_form_error_and_keeps_what_was_typed(client, two_events):
    x, y = two_events
    client.force_login(organiser(x))
    fields = {"name": "Ateliers du matin", "f_animation": "abc", "columns": ["animation"]}
    response = save(client, x, source="events.animation_registrations", **fields)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The filter animation must be a record number." in page
    assert 'value="abc"' in page and 'value="Ateliers du matin"' in page
    assert not SavedReport.objects.exists()

    # an animation of another event is refused too (cross-event id)
    from civitas.events.models import Animation

    other = Animation.objects.create(
        event=y,
        title_fr="Atelier Y",
        kind=Animation.Kind.WORKSHOP,
        start=timezone.now(),
        end=timezone.now() + dt.timedelta(hours=1),
    )
    fields["f_animation"] = str(other.pk)
    response = save(client, x, source="events.animation_registrations", **fields)
    assert response.status_code == 200
    assert "is not one of this event" in response.content.decode()
    assert not SavedReport.objects.exists()


def test_filters_naming_another_event_are_refused(two_events):
    x, y = two_events
    user = organiser(x)
    with pytest.raises(InvalidFilter):
        reports.build_report("events.participants", user, ["email"], {"event": y.pk}, x.pk)
    exporter, qs, clean = reports.build_report(
        "events.participants", user, ["email"], {"event": x.pk}, x.pk
    )
    assert clean["event"] == str(x.pk)


def test_another_events_organiser_cannot_see_or_run_the_report(client, two_events):
    x, y = two_events
    client.force_login(organiser(x))
    save(client, x, **columns_post({"email": 1}))
    report = SavedReport.objects.get()

    client.force_login(organiser(y, "other@example.org"))
    # through event X's addresses: no right on X
    assert client.get(reverse("events:bo_report", args=[x.pk, report.pk])).status_code == 403
    assert run(client, x, report, "csv").status_code == 403
    assert run(client, x, report, "pdf").status_code == 403
    # through their own event's addresses: the report is not there
    assert client.get(reverse("events:bo_report", args=[y.pk, report.pk])).status_code == 404
    assert run(client, y, report, "csv").status_code == 404
    url = reverse("events:bo_report_delete", args=[y.pk, report.pk])
    assert client.post(url).status_code == 404
    assert "Contacts" not in client.get(reverse("events:bo_reports", args=[y.pk])).content.decode()
    assert SavedReport.objects.exists()


def test_private_reports_stay_with_their_owner(client, two_events):
    x, _y = two_events
    client.force_login(organiser(x))
    save(client, x, shared="", **columns_post({"email": 1}))
    report = SavedReport.objects.get()
    assert report.shared is False
    client.force_login(organiser(x, "colleague@example.org"))
    assert client.get(reverse("events:bo_report", args=[x.pk, report.pk])).status_code == 404
    report.shared = True
    report.save()
    assert client.get(reverse("events:bo_report", args=[x.pk, report.pk])).status_code == 200


def test_the_pdf_has_the_rows(client, two_events):
    x, _y = two_events
    client.force_login(organiser(x))
    save(client, x, name="Liste des contacts", **columns_post({"company": 1, "email": 2}))
    report = SavedReport.objects.get()
    response = run(client, x, report, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # A4 landscape
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Liste des contacts" in text
    assert "Company" in text and "E-mail" in text
    for email in (
        "p0@xenonindustries.example",
        "p1@xenonindustries.example",
        "p0@xylotech.example",
    ):
        assert email in text
    assert "Ypsilon" not in text


def test_schedule_delivers_once_per_period_then_stops_when_the_owner_loses_the_role(
    client, two_events, settings, tmp_path
):
    settings.CIVITAS_EXPORT_DIR = str(tmp_path / "deliveries")
    (tmp_path / "deliveries").mkdir()
    x, _y = two_events
    owner = organiser(x)
    client.force_login(owner)
    save(client, x, **columns_post({"email": 1, "company": 2}))
    report = SavedReport.objects.get()
    url = reverse("events:bo_report_schedule", args=[x.pk, report.pk])
    response = client.post(
        url,
        {"format": "csv", "period": "daily", "delivery": "directory", "directory": "salon"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    schedule = ScheduledExport.objects.get()
    assert schedule.report == report and schedule.owner == owner

    target = tmp_path / "deliveries" / "salon"
    now = timezone.now() + dt.timedelta(seconds=1)
    services.run_due_schedules(now)
    services.run_due_schedules(now + dt.timedelta(hours=2))  # same period: nothing more
    files = sorted(target.iterdir())
    assert len(files) == 1
    rows = list(csv.reader(io.StringIO(files[0].read_text("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["E-mail", "Company"]
    assert len(rows) == 4

    services.run_due_schedules(now + dt.timedelta(days=1, minutes=1))
    assert len(list(target.iterdir())) == 2

    # the owner loses the role on the event: the next runs deliver nothing
    accounts.revoke(RoleAssignment.objects.get(user=owner))
    services.run_due_schedules(now + dt.timedelta(days=2, minutes=2))
    services.run_due_schedules(now + dt.timedelta(days=3, minutes=3))
    assert len(list(target.iterdir())) == 2
    schedule.refresh_from_db()
    assert schedule.last_status == "error" and "no longer" in schedule.last_message


def test_only_the_owner_schedules_and_changes_apply_to_owner_or_manager(client, two_events):
    x, _y = two_events
    client.force_login(organiser(x))
    save(client, x, **columns_post({"email": 1}))
    report = SavedReport.objects.get()
    reader = organiser(
        x, "reader@example.org", perms=["core.access_backoffice", "events.view_registrations"]
    )
    client.force_login(reader)
    assert (
        client.get(reverse("events:bo_report_schedule", args=[x.pk, report.pk])).status_code == 403
    )
    url = reverse("events:bo_report", args=[x.pk, report.pk])
    data = {"source": "events.participants", "name": "Renamed", "action": "save"}
    assert client.post(url, {**data, **columns_post({"email": 1})}).status_code == 403
    delete = reverse("events:bo_report_delete", args=[x.pk, report.pk])
    assert client.post(delete).status_code == 403
    # a copy is theirs
    response = client.post(url, {**data, "action": "copy", **columns_post({"email": 1})})
    assert response.status_code == 302
    assert SavedReport.objects.filter(owner=reader, name="Renamed").exists()
    assert SavedReport.objects.get(pk=report.pk).name == "Contacts"


def test_orders_and_evaluations_are_sources_for_those_who_may_read_them(two_events):
    from decimal import Decimal

    from django.core.exceptions import PermissionDenied

    from civitas.events.models import (
        Invitation,
        Meeting,
        MeetingRequest,
        Order,
        PriceCategory,
        Room,
        Slot,
    )
    from civitas.events.services import feedback

    x, y = two_events
    for event in (x, y):
        cat = PriceCategory.objects.create(event=event, name="Entreprise", amount=Decimal("200"))
        for company in event.companies.all():
            Order.objects.create(
                event=event, company=company, category=cat, total_gross=Decimal("240.00")
            )
    a, b = (c.representatives.first() for c in x.companies.order_by("name"))
    req = MeetingRequest.objects.create(event=x, sender=a, recipient=b, state="confirmed")
    slot = Slot.objects.filter(session__day__event=x).order_by("start").first()
    Meeting.objects.create(
        event=x,
        request=req,
        slot=slot,
        room=Room.objects.filter(site__event=x).first(),
        table_number=1,
    )
    survey = feedback.create_defaults(x)[0]
    feedback.send_due(survey.send_at)
    inv = Invitation.objects.filter(survey=survey, representative=a).get()
    scale, comment = survey.questions.all()
    feedback.answer(inv, {str(scale.pk): scale.choices[0], str(comment.pk): "Très utile"})

    reader = organiser(x, "reader@example.org", perms=["events.view_registrations"])
    assert {e.code for e in reports.report_exporters(reader, x)} >= {"events.participants"}
    assert not {"events.orders", "events.survey_answers"} & {
        e.code for e in reports.report_exporters(reader, x)
    }
    with pytest.raises(PermissionDenied):
        reports.build_report("events.orders", reader, ["company"], {}, x.pk)

    manager = organiser(x)  # PERMS: no sales, no surveys
    sales = organiser(
        x,
        "sales@example.org",
        perms=["events.view_registrations", "events.manage_sales", "events.send_mailings"],
    )
    assert "events.orders" not in {e.code for e in reports.report_exporters(manager, x)}
    exporter, qs, _clean = reports.build_report(
        "events.orders", sales, ["company", "total_gross"], {}, x.pk
    )
    assert exporter.headers() == ["Company", "Total incl. VAT"]
    assert sorted(exporter.values(o) for o in qs) == [
        ["Xenon Industries", Decimal("240.00")],
        ["Xylo Tech", Decimal("240.00")],
    ]
    exporter, qs, _clean = reports.build_report(
        "events.survey_answers", sales, ["answer", "participant", "meeting_with"], {}, x.pk
    )
    assert sorted(exporter.values(ans) for ans in qs) == [
        [scale.choices[0], a.full_name, f"{b.full_name} (Xylo Tech)"],
        ["Très utile", a.full_name, f"{b.full_name} (Xylo Tech)"],
    ]


def test_the_list_shows_own_and_shared_reports_with_their_downloads(client, two_events):
    x, _y = two_events
    author = organiser(x)
    reports.save_report(
        None,
        author,
        "events.participants",
        ["email"],
        {"event": str(x.pk)},
        scope=("event", x.pk),
        name="Shared contacts",
        shared=True,
    )
    reports.save_report(
        None,
        author,
        "events.participants",
        ["email"],
        {"event": str(x.pk)},
        scope=("event", x.pk),
        name="My draft",
        shared=False,
    )
    reports.save_report(
        None,
        author,
        "events.orders",
        ["company"],
        {"event": str(x.pk)},
        scope=("event", x.pk),
        name="Sales figures",
        shared=True,
    )
    client.force_login(organiser(x, "colleague@example.org"))
    page = client.get(reverse("events:bo_reports", args=[x.pk])).content.decode()
    assert "Shared contacts" in page
    assert "My draft" not in page  # private
    assert "Sales figures" not in page  # a source the colleague may not use
    shared = SavedReport.objects.get(name="Shared contacts")
    assert reverse("events:bo_report_run", args=[x.pk, shared.pk, "pdf"]) in page
    assert 'name="source"' in page and "events.participants" in page


def test_a_schedule_sends_the_report_as_the_same_pdf(client, two_events, settings, tmp_path):
    settings.CIVITAS_EXPORT_DIR = str(tmp_path)
    x, _y = two_events
    client.force_login(organiser(x))
    save(client, x, name="Liste des contacts", **columns_post({"company": 1, "email": 2}))
    report = SavedReport.objects.get()
    url = reverse("events:bo_report_schedule", args=[x.pk, report.pk])
    assert 'value="pdf"' in client.get(url).content.decode()  # offered on the form
    response = client.post(
        url, {"format": "pdf", "period": "weekly", "delivery": "directory", "directory": "pdf"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    schedule = ScheduledExport.objects.get()
    assert schedule.format == "pdf"

    services.run_due_schedules(timezone.now() + dt.timedelta(seconds=1))
    schedule.refresh_from_db()
    assert schedule.last_status == "ok", schedule.last_message
    files = list((tmp_path / "pdf").iterdir())
    assert len(files) == 1 and files[0].suffix == ".pdf"
    reader = PdfReader(io.BytesIO(files[0].read_bytes()))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # A4 landscape
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Liste des contacts" in text and "Company" in text
    for email in (
        "p0@xenonindustries.example",
        "p1@xenonindustries.example",
        "p0@xylotech.example",
    ):
        assert email in text
    assert "Ypsilon" not in text
    entry = JournalEntry.objects.filter(action="export.events.participants").latest("pk")
    assert entry.details["format"] == "pdf" and entry.details["scheduled"] == schedule.pk


def test_a_scheduled_pdf_by_email_is_attached_and_pdf_needs_a_report(two_events, users):
    from civitas.core.exports.forms import ScheduledExportForm
    from civitas.core.outbox.models import Attachment

    x, _y = two_events
    owner = organiser(x)
    report = reports.save_report(
        None, owner, "events.participants", ["email"], {"event": str(x.pk)},
        scope=("event", x.pk), name="Contacts", shared=True,
    )  # fmt: skip
    schedule = reports.schedule_report(
        report,
        owner,
        ScheduledExport(format="pdf", period="daily", delivery="email", recipients="a@example.org"),
    )
    assert services.run_scheduled(schedule).startswith("3 ")
    attachment = Attachment.objects.get(filename__startswith="contacts-")
    assert attachment.filename.endswith(".pdf") and attachment.content_type == "application/pdf"
    assert attachment.message.to == "a@example.org"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(attachment.content)).pages)
    assert "p0@xylotech.example" in text

    # A plain export (no report) has no PDF: not offered, and refused if stored anyway.
    form = ScheduledExportForm(user=users["principal"])
    assert "pdf" not in dict(form.fields["format"].choices)
    plain = ScheduledExport.objects.create(
        name="x", exporter="core.users", format="pdf", period="weekly",
        delivery="email", recipients="a@example.org", owner=users["principal"],
        next_run=timezone.now(),
    )  # fmt: skip
    with pytest.raises(services.ExportError):
        services.run_scheduled(plain)
