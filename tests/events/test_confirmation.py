"""Confirmation e-mail at registration: login, programme and the PDF convocation with the
check-in QR code, delivered through a real SMTP server; the check-in lookup it points to;
the participant's convocation page and PDF."""

import datetime as dt
import io
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from pypdf import PdfReader

from civitas.core.documents import qr
from civitas.core.models import JournalEntry, Role, RoleAssignment
from civitas.core.outbox.models import Message
from civitas.core.permissions import clear_cache
from civitas.events.models import Company, Representative, Session, Site
from civitas.events.services import convocation, setup
from tests.outbox.conftest import SmtpServer

from .conftest import make_company, make_event
from .test_views import _post_data

pytestmark = pytest.mark.django_db
SITE = "https://evenements.cci.example"


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    with server.settings():
        server.start()
        yield server
    server.stop()


@pytest.fixture
def programme_event(db, settings):
    settings.CIVITAS_SITE_URL = SITE
    event = make_event("convention", venue="Palais des congrès")
    Site.objects.filter(event=event).update(address="2 place de la Bourse\n75002 Paris")
    day2 = event.days.create(date=dt.date(2027, 3, 11))
    Session.objects.create(
        day=day2, name="Après-midi", start_time=dt.time(14), end_time=dt.time(17, 30)
    )
    return event


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def qr_matrix_from_pdf(content: bytes, border=4) -> list[list[bool]]:
    """Read the QR code image back from the PDF and sample one pixel per module."""
    page = PdfReader(io.BytesIO(content)).pages[0]
    (image,) = page.images
    img = image.image.convert("L")
    width = img.size[0]
    modules = width // convocation.QR_SCALE
    size = modules - 2 * border
    s = convocation.QR_SCALE
    return [
        [
            img.getpixel(((c + border) * s + s // 2, (r + border) * s + s // 2)) < 128
            for c in range(size)
        ]
        for r in range(size)
    ]


def segno_matrix(payload: str) -> list[list[bool]]:
    return [[bool(v) for v in row] for row in qr.make(payload).matrix]


def test_registration_sends_login_programme_and_convocation(
    client, programme_event, smtp_server, django_capture_on_commit_callbacks
):
    event = programme_event
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("events:register", kwargs={"slug": event.slug}), _post_data())
    assert r.status_code == 302
    anne = Representative.objects.get(email="anne@evrard.example")
    paul = Representative.objects.get(email="paul@evrard.example")

    received = {m["rcpt"][0]: m["msg"] for m in smtp_server.handler.messages}
    assert set(received) >= {"anne@evrard.example", "paul@evrard.example"}
    mail = received["anne@evrard.example"]
    body = (
        next(
            p for p in mail.walk() if p.get_content_type() == "text/plain" and not p.get_filename()
        )
        .get_payload(decode=True)
        .decode("utf-8")
    )
    # Login and the link to choose a password (new account).
    assert "anne@evrard.example" in body
    assert re.search(r"/accounts/password/reset/key/\S+", body)
    # The programme: both days, the sessions with their times, the venue and the site.
    assert "Palais des congrès" in body
    assert "CCI Paris, 2 place de la Bourse 75002 Paris" in body
    assert "mercredi 10 mars 2027" in body and "jeudi 11 mars 2027" in body
    assert "Matin" in body and "09:00" in body and "10:00" in body
    assert "Après-midi" in body and "14:00" in body and "17:30" in body

    (attachment,) = [p for p in mail.walk() if p.get_filename()]
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "convocation-convention-anne-evrard.pdf"
    content = attachment.get_payload(decode=True)
    text = pdf_text(content)
    for expected in (
        "Anne Évrard",
        "Société Évrard",
        "anne@evrard.example",
        "Palais des congrès",
        "2 place de la Bourse",
        "Matin",
        "09:00",
        "Après-midi",
        "17:30",
        "mercredi 10 mars 2027",
    ):
        assert expected in text, expected
    # The QR code read back from the PDF is the one of Anne's check-in address.
    payload = f"{SITE}/backoffice/evenements/{event.pk}/checkin/{anne.checkin_token}/"
    assert convocation.qr_payload(anne) == payload
    assert qr_matrix_from_pdf(content) == segno_matrix(payload)
    assert qr_matrix_from_pdf(content) != segno_matrix(convocation.qr_payload(paul))

    # Each representative gets their own convocation; the administrators are in copy once.
    other = received["paul@evrard.example"]
    (paul_pdf,) = [p.get_payload(decode=True) for p in other.walk() if p.get_filename()]
    assert "Paul Durand" in pdf_text(paul_pdf)
    assert qr_matrix_from_pdf(paul_pdf) == segno_matrix(convocation.qr_payload(paul))
    msg = Message.objects.get(to="anne@evrard.example")
    assert msg.state == Message.State.SENT and msg.attachments.count() == 1


def test_existing_account_gets_no_password_link(
    programme_event, django_capture_on_commit_callbacks
):
    from civitas.events.services import membership
    from tests.conftest import make_user

    user = make_user("p0@alpha.example")
    make_company(programme_event, "Alpha", validated=False)
    # An existing account first confirms it joins the company (issue 31), then gets the
    # registration confirmation, without a password link.
    ask = Message.objects.get(to="p0@alpha.example")
    assert ask.template_code == membership.CONFIRM_TEMPLATE
    token = re.search(r"/rejoindre/([^/\s]+)/", ask.body_text)[1]
    membership.confirm(programme_event.slug, token, user)
    msg = Message.objects.get(to="p0@alpha.example", template_code="events.registration_received")
    assert "/accounts/password/reset/key/" not in msg.body_text
    assert "p0@alpha.example" in msg.body_text
    assert msg.attachments.get().content_type == "application/pdf"


def test_checkin_tokens_are_random_unique_and_not_the_calendar_secret(programme_event):
    from django.db import IntegrityError, transaction

    company = make_company(programme_event, "Alpha", reps=3)
    reps = list(company.representatives.all())
    assert len({r.checkin_token for r in reps}) == 3
    for rep in reps:
        assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", rep.checkin_token)  # 24 random bytes
        assert rep.checkin_token != rep.calendar_token
    with pytest.raises(IntegrityError), transaction.atomic():
        Representative.objects.filter(pk=reps[1].pk).update(checkin_token=reps[0].checkin_token)


def test_qr_address_opens_the_checkin_lookup(client_for, programme_event):
    company = make_company(programme_event, "Alpha", validated=False)
    rep = company.representatives.get()
    path = urlsplit(convocation.qr_payload(rep)).path
    r = client_for("principal").get(path)
    assert r.status_code == 200
    html = r.content.decode()
    assert rep.full_name in html and "Alpha" in html
    assert company.get_status_display() in html
    assert JournalEntry.objects.get(action="events.checkin_lookup").object_id == str(rep.pk)
    # Not for participants; a token of nobody or of another event is not found.
    assert client_for("participant").get(path).status_code == 403
    assert client_for("anonymous").get(path).status_code == 302
    wrong = path.replace(rep.checkin_token, rep.calendar_token)
    assert client_for("principal").get(wrong).status_code == 404
    other = make_event("autre")
    elsewhere = reverse("events:bo_checkin", kwargs={"pk": other.pk, "token": rep.checkin_token})
    assert client_for("principal").get(elsewhere).status_code == 404


def test_secondary_admin_cannot_look_up_another_event(client, programme_event):
    from tests.conftest import add_totp, make_user

    mine = make_event("mine")
    rep = make_company(programme_event, "Alpha").representatives.get()
    role = Role.objects.create(
        code="desk",
        name="Accueil",
        permissions=["core.access_backoffice", "events.view_registrations"],
    )
    user = make_user("desk@example.org")
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=mine.pk)
    add_totp(user)
    clear_cache(user)
    client.force_login(user)
    path = urlsplit(convocation.qr_payload(rep)).path
    assert client.get(path).status_code == 403
    pdf_url = reverse(
        "events:bo_convocation_pdf", kwargs={"pk": programme_event.pk, "rep_pk": rep.pk}
    )
    assert client.get(pdf_url).status_code == 403
    # Through their own event, the other event's token is not found.
    own = reverse("events:bo_checkin", kwargs={"pk": mine.pk, "token": rep.checkin_token})
    assert client.get(own).status_code == 404


def test_participant_area_shows_the_qr_and_the_pdf(client, programme_event):
    company = make_company(programme_event, "Alpha", reps=2)
    me, colleague = company.representatives.order_by("email")
    client.force_login(me.user)
    r = client.get(reverse("events:area_convocation", kwargs={"slug": programme_event.slug}))
    html = r.content.decode()
    assert qr.svg(convocation.qr_payload(me), scale=6) in html
    assert qr.svg(convocation.qr_payload(colleague), scale=6) not in html
    assert "Après-midi" in html and "Palais des congrès" in html
    assert "style=" not in html.split("<main", 1)[1] and "<script>" not in html

    pdf = client.get(reverse("events:area_convocation_pdf", kwargs={"slug": programme_event.slug}))
    assert pdf["Content-Type"] == "application/pdf"
    content = pdf.content
    assert me.full_name in pdf_text(content) and colleague.full_name not in pdf_text(content)
    assert qr_matrix_from_pdf(content) == segno_matrix(convocation.qr_payload(me))


def test_convocation_needs_a_registration(client, programme_event):
    from tests.conftest import make_user

    make_company(programme_event, "Alpha")
    client.force_login(make_user("stranger@example.org"))
    for name in ("events:area_convocation", "events:area_convocation_pdf"):
        r = client.get(reverse(name, kwargs={"slug": programme_event.slug}))
        assert r.status_code == 200 and r["Content-Type"].startswith("text/html")
        assert "checkin" not in r.content.decode()


def test_backoffice_prints_a_convocation(client_for, programme_event):
    rep = make_company(programme_event, "Alpha").representatives.get()
    url = reverse("events:bo_convocation_pdf", kwargs={"pk": programme_event.pk, "rep_pk": rep.pk})
    r = client_for("principal").get(url)
    assert r["Content-Type"] == "application/pdf"
    assert rep.full_name in pdf_text(r.content)
    assert JournalEntry.objects.filter(action="events.convocation_printed").exists()


def test_programme_text_without_days_or_sessions(db, settings):
    event = setup.create_event(
        name="Forum",
        slug="forum",
        start_date=dt.date(2027, 5, 3),
        end_date=dt.date(2027, 5, 4),
        is_published=True,
    )
    text = convocation.programme_text(event)
    assert "2027" in text and "Programme" not in text
    rep = Representative(
        company=Company(event=event, name="X"), first_name="A", last_name="B", email="a@b.example"
    )
    rep.checkin_token = "t" * 32
    assert "programme will be published later" in pdf_text(convocation.convocation_pdf(rep, "en"))
