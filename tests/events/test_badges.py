"""Badges, attendance sheets, table tents and certificates (PDF through WeasyPrint)."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.events.conftest import make_company

pytestmark = pytest.mark.django_db


def text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_badges_per_sheet_and_fields(event):
    from civitas.events.models import BadgeDesign
    from civitas.events.services import badges

    for i in range(9):
        make_company(event, f"Firm {i}")
    make_company(event, "Pending", validated=False)
    reps = list(badges.people(event))
    assert len(reps) == 9  # validated companies only
    design = BadgeDesign(event=event, paper="a4-8", fields=["name", "company"])
    data = badges.badges_pdf(event, reps, design)
    assert len(PdfReader(io.BytesIO(data)).pages) == 2  # 8 + 1
    content = text(data)
    assert "Firm 0" in content and "FIRM 8" in content
    single = badges.badges_pdf(event, reps[:1], BadgeDesign(event=event, paper="a6"))
    assert len(PdfReader(io.BytesIO(single)).pages) == 1


def test_batch_is_chunked_and_merged(event, monkeypatch):
    from civitas.events.models import BadgeDesign
    from civitas.events.services import badges

    for i in range(12):
        make_company(event, f"Firm {i}")
    monkeypatch.setattr(badges, "CHUNK", 5)
    seen = []
    data = badges.badges_pdf(
        event,
        badges.people(event),
        BadgeDesign(event=event, paper="a6", fields=["name"]),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert len(PdfReader(io.BytesIO(data)).pages) == 12
    assert seen == [(5, 12), (10, 12), (12, 12)]


def test_print_all_runs_a_job_with_a_file(client_for, event, django_capture_on_commit_callbacks):
    from civitas.core.models import JobProgress

    make_company(event, "Acme", reps=2)
    c = client_for("principal", lang="en")
    url = f"/backoffice/evenements/{event.pk}/badges/"
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(url, {"action": "print_all"})
    assert r.status_code == 302
    job = JobProgress.objects.get(kind="events.badges")
    assert job.status == "done" and job.result_file.name.endswith(".pdf")
    assert "2 badges" in job.message


def test_design_form_keeps_bad_colour(client_for, event):
    c = client_for("principal", lang="en")
    url = f"/backoffice/evenements/{event.pk}/badges/"
    r = c.post(
        url,
        {"paper": "a4-10", "fields": ["name"], "band_colour": "red", "text_colour": "#000000"},
    )
    assert r.status_code == 200 and "A colour such as #000091." in r.content.decode()
    assert 'value="red"' in r.content.decode()
    r = c.post(
        url,
        {"paper": "a4-10", "fields": ["name"], "band_colour": "#112233", "text_colour": "#000000"},
    )
    assert r.status_code == 302
    from civitas.events.models import BadgeDesign

    assert BadgeDesign.objects.get(event=event).paper == "a4-10"


def test_badge_station_prints_without_checking_in(client_for, event):
    rep = make_company(event, "Acme").representatives.first()
    c = client_for("principal")
    r = c.get(f"/backoffice/evenements/{event.pk}/badges/{rep.pk}.pdf")
    assert r["Content-Type"] == "application/pdf"
    assert rep.checkins.count() == 0


def test_attendance_sheet_and_certificate(event):
    from civitas.events.models import Meeting, MeetingRequest, Room, Session, Slot
    from civitas.events.services import ServiceError, attendance, checkin

    a = make_company(event, "Alpha").representatives.first()
    b = make_company(event, "Beta").representatives.first()
    session = Session.objects.get(day__event=event)
    sheet = text(attendance.attendance_sheet_pdf(session))
    assert "ALPHA" in sheet and "BETA" in sheet
    with pytest.raises(ServiceError):
        attendance.certificate_facts(a)
    # Yesterday: both came, and their meeting took place.
    tz = timezone.get_current_timezone()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    slot = Slot.objects.filter(session=session).first()
    slot.start = dt.datetime.combine(yesterday, dt.time(10), tz)
    slot.end = slot.start + dt.timedelta(minutes=20)
    slot.save()
    req = MeetingRequest.objects.create(event=event, sender=a, recipient=b, state="confirmed")
    Meeting.objects.create(
        event=event, request=req, slot=slot, room=Room.objects.first(), table_number=3
    )
    checkin.ensure_lists(event)
    lst = event.checkin_lists.get(kind="event")
    at = dt.datetime.combine(yesterday, dt.time(9), tz)
    checkin.scan(lst, a.checkin_token, at=at)
    facts = attendance.certificate_facts(a)
    assert facts["days"] == [yesterday] and facts["meetings"] == []  # B not in
    checkin.scan(lst, b.checkin_token, at=at)
    facts = attendance.certificate_facts(a)
    assert len(facts["meetings"]) == 1
    assert "Beta" in text(attendance.certificate_pdf(a))
    tents = text(attendance.table_tents_pdf(event))
    assert "Table 3" in tents and "Alpha – Beta" in tents
