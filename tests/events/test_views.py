import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civitas.core.models import Role, RoleAssignment
from civitas.core.permissions import clear_cache
from civitas.events.models import Company, Meeting, MeetingRequest, Slot

from .conftest import make_company, make_event


def _pdf() -> bytes:
    """A real one-page PDF: uploads are parsed with pypdf (civitas.core.uploads)."""
    import io

    from pypdf import PdfWriter

    writer, buf = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(buf)
    return buf.getvalue()


PDF = _pdf()


def _post_data(**over):
    data = {
        "company-name": "Société Évrard",
        "company-country": "FR",
        "company-siret": "73282932000074",
        "company-vat_number": "",
        "company-description": "Fabricant de capteurs",
        "rep-TOTAL_FORMS": "2",
        "rep-INITIAL_FORMS": "0",
        "rep-MIN_NUM_FORMS": "1",
        "rep-MAX_NUM_FORMS": "20",
        "rep-0-first_name": "Anne",
        "rep-0-last_name": "Évrard",
        "rep-0-email": "anne@evrard.example",
        "rep-0-phone": "+33612345678",
        "rep-1-first_name": "Paul",
        "rep-1-last_name": "Durand",
        "rep-1-email": "paul@evrard.example",
        "offer-TOTAL_FORMS": "1",
        "offer-INITIAL_FORMS": "0",
        "offer-MIN_NUM_FORMS": "1",
        "offer-MAX_NUM_FORMS": "20",
        "offer-0-kind": "offer",
        "offer-0-title": "Capteurs connectés",
    }
    data.update(over)
    return data


@pytest.mark.django_db
def test_registration_form_creates_company(client, event):
    url = reverse("events:register", kwargs={"slug": event.slug})
    data = _post_data(**{"offer-0-attachment": SimpleUploadedFile("fiche.pdf", PDF)})
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    company = Company.objects.get(event=event)
    assert company.representatives.count() == 2
    offer = company.offers.get()
    assert offer.attachment_type == "pdf"
    assert "evrard" in company.search_text  # accent-insensitive search text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "over, field, case",
    [
        ({"company-siret": "73282932000075"}, "siret", "SIRET"),
        ({"company-siret": ""}, "siret", "required"),
        ({"company-country": "DE", "company-siret": ""}, "vat_number", "required"),
        (
            {"company-country": "DE", "company-siret": "", "company-vat_number": "DE123"},
            "vat_number",
            "not valid",
        ),
        ({"company-vat_number": "DE136695976"}, "vat_number", "another country"),
    ],
)
def test_registration_checks_keep_input(client, event, over, field, case):
    url = reverse("events:register", kwargs={"slug": event.slug})
    r = client.post(url, _post_data(**over))
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert field in errors, errors
    html = r.content.decode()
    assert "Société Évrard" in html and "paul@evrard.example" in html  # nothing lost
    assert not Company.objects.exists()


@pytest.mark.django_db
def test_valid_foreign_vat_accepted(client, event):
    url = reverse("events:register", kwargs={"slug": event.slug})
    r = client.post(
        url,
        _post_data(
            **{
                "company-country": "DE",
                "company-siret": "",
                "company-vat_number": "DE 136695976",
            }
        ),
    )
    assert r.status_code == 302
    assert Company.objects.get().vat_number == "DE136695976"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content",
    [("fiche.pdf", b"MZ\x90\x00 not a pdf"), ("image.png", PDF), ("x.exe", b"MZ\x90\x00")],
)
def test_attachment_checked_by_content(client, event, name, content):
    url = reverse("events:register", kwargs={"slug": event.slug})
    data = _post_data(**{"offer-0-attachment": SimpleUploadedFile(name, content)})
    r = client.post(url, data)
    assert r.status_code == 200
    assert "attachment" in r.context["offers"].forms[0].errors
    assert not Company.objects.exists()


@pytest.mark.django_db
def test_add_representative_keeps_input(client, event):
    url = reverse("events:register", kwargs={"slug": event.slug})
    r = client.post(url, _post_data(add_rep="1"))
    assert r.status_code == 200
    assert r.context["reps"].total_form_count() == 3
    assert "paul@evrard.example" in r.content.decode()
    assert "error-summary" not in r.content.decode()


@pytest.mark.django_db
def test_catalogue_privacy(client, event):
    from tests.conftest import make_user

    visible = make_company(event, "Visible", offers=[("offer", "Béton bas carbone", ["béton"])])
    visible.email = "secret@visible.example"
    visible.save()
    make_company(event, "Hidden", validated=False)
    url = reverse("events:catalogue", kwargs={"slug": event.slug})
    html = client.get(url).content.decode()
    assert "Visible" in html and "Hidden" not in html
    assert "SIRET" not in html and "73282932000074" not in html
    # accent-insensitive search over offers and keywords
    assert "Visible" in client.get(url, {"q": "BETON"}).content.decode()
    assert "Visible" not in client.get(url, {"q": "acier"}).content.decode()
    detail = reverse("events:company_detail", kwargs={"slug": event.slug, "pk": visible.pk})
    html = client.get(detail).content.decode()
    assert "secret@visible.example" not in html and "p0@visible.example" not in html
    hidden = Company.objects.get(name="Hidden")
    assert (
        client.get(
            reverse("events:company_detail", kwargs={"slug": event.slug, "pk": hidden.pk})
        ).status_code
        == 404
    )
    # a logged-in user who is not a participant sees no contact details either
    client.force_login(make_user("nobody@example.org"))
    assert "secret@visible.example" not in client.get(detail).content.decode()
    # a validated participant does
    other = make_company(event, "Other")
    client.force_login(other.representatives.get().user)
    html = client.get(detail).content.decode()
    assert "secret@visible.example" in html and "Demander un rendez-vous" in html


@pytest.mark.django_db
def test_participant_flow_and_agenda(client, slots_event):
    event = slots_event
    a = make_company(event, "Alpha").representatives.get()
    b = make_company(event, "Beta").representatives.get()
    slot = event.days.get().sessions.get().slots.first()
    client.force_login(a.user)
    url = reverse("events:area_request_new", kwargs={"slug": event.slug, "rep_pk": b.pk})
    assert client.post(url, {"message": "Bonjour", "slot": slot.pk}).status_code == 302
    req = MeetingRequest.objects.get()

    def act(who, action):
        client.force_login(who.user)
        kwargs = {"slug": event.slug, "pk": req.pk, "action": action}
        return client.post(reverse("events:area_request_action", kwargs=kwargs))

    act(a, "accept")  # A may not accept their own request
    req.refresh_from_db()
    assert req.state == "pending"
    act(b, "accept")
    act(a, "confirm")
    m = Meeting.objects.get()
    for rep in (a, b):
        client.force_login(rep.user)
        html = client.get(reverse("events:area_agenda", kwargs={"slug": event.slug})).content
        assert "table" in html.decode().lower() and str(m.table_number) in html.decode()
    ics = client.get(reverse("events:calendar_feed", kwargs={"token": a.calendar_token}))
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content and b"Beta" in ics.content


@pytest.mark.django_db
def test_secondary_admin_sees_only_their_event(client, users):
    from tests.conftest import add_totp, make_user

    a = make_event("event-a")
    b = make_event("event-b")
    make_company(b, "Confidential")
    role = Role.objects.create(
        code="event_manager",
        name="Event manager",
        permissions=[
            "core.access_backoffice",
            "events.view_registrations",
            "events.validate_registrations",
        ],
    )
    user = make_user("manager@example.org")
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=a.pk)
    add_totp(user)
    clear_cache(user)
    client.force_login(user)
    html = client.get(reverse("events:bo_events")).content.decode()
    assert "Salon event-a" in html and "Salon event-b" not in html
    assert client.get(reverse("events:bo_registrations", kwargs={"pk": a.pk})).status_code == 200
    assert client.get(reverse("events:bo_registrations", kwargs={"pk": b.pk})).status_code == 403
    company = Company.objects.get(name="Confidential")
    r = client.post(
        reverse(
            "events:bo_registration_action",
            kwargs={"pk": b.pk, "company_pk": company.pk, "action": "validate"},
        )
    )
    assert r.status_code == 403
    # exports are scoped too
    from civitas.core.exports.registry import get

    rows = list(get("events.participants").queryset(user, {}))
    assert rows == []
    assert client.get(reverse("events:bo_event_new")).status_code == 403


@pytest.mark.django_db
def test_backoffice_validation_and_scheduling(
    client_for, event, django_capture_on_commit_callbacks
):
    from civitas.events.services import meetings as svc

    c1 = make_company(event, "Alpha", validated=False)
    c2 = make_company(event, "Beta")
    principal = client_for("principal")
    url = reverse(
        "events:bo_registration_action",
        kwargs={"pk": event.pk, "company_pk": c1.pk, "action": "validate"},
    )
    assert principal.post(url).status_code == 302
    c1.refresh_from_db()
    assert c1.status == "validated"
    a, b = c1.representatives.get(), c2.representatives.get()
    req = svc.send_request(a, b)
    svc.accept_request(req, b)
    svc.confirm_request(req, a)
    sched = reverse("events:bo_scheduling", kwargs={"pk": event.pk})
    with django_capture_on_commit_callbacks(execute=True):
        assert principal.post(sched, {"action": "run"}).status_code == 302
    m = Meeting.objects.get()
    assert not m.published
    run = event.schedule_runs.get()
    assert run.status == "draft" and run.scheduled == 1 and run.requested == 1
    with django_capture_on_commit_callbacks(execute=True):
        # First the count of what will be sent, nothing published yet...
        ask = principal.post(sched, {"action": "publish"})
        assert ask.status_code == 200 and not Meeting.objects.get().published
        assert 'name="confirm"' in ask.content.decode()
        # ... then the confirmed publication.
        assert principal.post(sched, {"action": "publish", "confirm": "1"}).status_code == 302
    m.refresh_from_db()
    assert m.published and m.locked
    from civitas.core.outbox.models import Message

    assert Message.objects.filter(template_code="events.meeting_scheduled").count() == 2
    csv = principal.get(
        reverse("exports:export"),
        {
            "exporter": "events.meetings",
            "format": "csv",
            "event": str(event.pk),
        },
    )
    body = b"".join(csv.streaming_content) if csv.streaming else csv.content
    assert b"Alpha" in body and b"Beta" in body


# --- Event tabs ----------------------------------------------------------------------------------


pytestmark = pytest.mark.django_db


def test_event_tabs_mark_the_current_page_and_offer_the_form_to_managers(client_for, client):
    from tests.conftest import add_totp, make_user

    event = make_event("onglets")
    principal = client_for("principal", lang="en")
    html = principal.get(reverse("events:bo_requests", kwargs={"pk": event.pk})).content.decode()
    assert 'aria-current="page">Requests</a>' in html
    form_url = reverse("events:bo_regform", kwargs={"pk": event.pk})
    assert f'href="{form_url}"' in html
    html = principal.get(form_url).content.decode()
    assert 'aria-current="page">Registration form</a>' in html
    # Someone who may only read registrations of this event is not offered the form.
    role = Role.objects.create(
        code="event_reader",
        name="Lecture des inscriptions",
        permissions=["core.access_backoffice", "events.view_registrations"],
    )
    user = make_user("lecteur@example.org")
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=event.pk)
    add_totp(user)
    clear_cache(user)
    client.force_login(user)
    r = client.get(reverse("events:bo_registrations", kwargs={"pk": event.pk}))
    assert r.status_code == 200
    assert f'href="{form_url}"' not in r.content.decode()
    assert client.get(form_url).status_code == 403


def test_unplaced_confirmed_requests_are_listed_with_a_link_to_place_each(client_for):
    from civitas.events.services import meetings as svc

    event = make_event("a-placer")
    a, b, c = (make_company(event, n).representatives.get() for n in ("Alpha", "Beta", "Gamma"))
    placed = svc.send_request(a, b)
    svc.accept_request(placed, b)
    svc.confirm_request(placed, a)
    waiting = svc.send_request(a, c)
    svc.accept_request(waiting, c)
    svc.confirm_request(waiting, a)
    pending = svc.send_request(b, c)
    slot = Slot.objects.filter(session__day__event=event).first()
    svc.place_meeting(placed, slot)
    principal = client_for("principal", lang="en")

    html = principal.get(reverse("events:bo_scheduling", kwargs={"pk": event.pk})).content.decode()
    assert "1 confirmed request waits for a place." in html
    place = reverse("events:bo_meeting_place", kwargs={"pk": event.pk, "req_pk": waiting.pk})
    assert place in html
    assert (
        reverse("events:bo_meeting_place", kwargs={"pk": event.pk, "req_pk": placed.pk}) not in html
    )

    listing = principal.get(
        reverse("events:bo_requests", kwargs={"pk": event.pk}), {"state": "unplaced"}
    ).content.decode()
    assert "Confirmed, not placed (1)" in listing
    assert place in listing
    assert "Gamma" in listing
    assert pending.state == "pending"
    # Only the waiting request is in the filtered list: Beta (placed/pending) is absent.
    assert listing.count("<tr><td data-label=") == 1


def test_withdrawing_a_validated_company_asks_a_reason_cancels_meetings_and_tells_partners(
    client_for, django_capture_on_commit_callbacks
):
    from civitas.core.outbox.models import Message
    from civitas.events.services import meetings as svc

    event = make_event("retrait")
    alpha = make_company(event, "Alpha")
    a = alpha.representatives.get()
    b, c = (make_company(event, n).representatives.get() for n in ("Beta", "Gamma"))
    met = svc.send_request(a, b)
    svc.accept_request(met, b)
    svc.confirm_request(met, a)
    svc.place_meeting(met, Slot.objects.filter(session__day__event=event).first())
    asked = svc.send_request(c, a)
    principal = client_for("principal", lang="en")
    url = reverse("events:bo_registration_reject", kwargs={"pk": event.pk, "company_pk": alpha.pk})

    # The lists link to the confirmation page, which says what will happen.
    listing = principal.get(reverse("events:bo_registrations", kwargs={"pk": event.pk}))
    assert url in listing.content.decode()
    page = principal.get(url).content.decode()
    assert "Withdraw the registration of Alpha" in page
    assert "2 open meeting requests are cancelled." in page
    assert "1 scheduled meeting is cancelled." in page
    assert "The 2 partner companies are told by e-mail." in page

    # Without a reason nothing happens, and the form says why.
    refused = principal.post(url, {"reason": "  "})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    alpha.refresh_from_db()
    assert alpha.status == "validated"

    Message.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        done = principal.post(url, {"reason": "Entreprise hors du périmètre du salon"})
    assert done.status_code == 302
    alpha.refresh_from_db()
    met.refresh_from_db()
    asked.refresh_from_db()
    assert alpha.status == "rejected"
    assert met.state == asked.state == "cancelled"
    assert not Meeting.objects.filter(event=event, state="scheduled").exists()
    told = Message.objects.filter(template_code="events.meeting_cancelled", channel="email")
    assert sorted(m.to for m in told) == sorted([b.email, c.email])
    own = Message.objects.get(template_code="events.registration_rejected")
    assert own.to == a.email
    assert "Entreprise hors du périmètre du salon" in own.body_text
    assert "1" in own.body_text  # the meetings cancelled are counted
    # Alpha's representative is told once, not once per cancelled meeting.
    assert not told.filter(to=a.email).exists()


def test_rejecting_a_registered_company_needs_no_reason(client_for):
    event = make_event("refus-simple")
    company = make_company(event, "Omega", validated=False)
    principal = client_for("principal", lang="en")
    url = reverse(
        "events:bo_registration_reject", kwargs={"pk": event.pk, "company_pk": company.pk}
    )
    assert "Reject the registration of Omega" in principal.get(url).content.decode()
    assert principal.post(url, {"reason": ""}).status_code == 302
    company.refresh_from_db()
    assert company.status == "rejected"


def test_backoffice_home_starts_with_the_events_and_what_needs_action(client_for):
    from civitas.events.services import meetings as svc

    event = make_event("accueil-bo")
    make_company(event, "Waiting", validated=False)
    a, b = (make_company(event, n).representatives.get() for n in ("Alpha", "Beta"))
    req = svc.send_request(a, b)
    svc.accept_request(req, b)
    svc.confirm_request(req, a)
    html = client_for("principal", lang="en").get(reverse("core:backoffice_home")).content.decode()
    assert html.index("My events") < html.index("Platform") < html.index("user accounts")
    assert "Salon accueil-bo" in html
    to_validate = reverse("events:bo_to_validate", kwargs={"pk": event.pk})
    assert f'<a href="{to_validate}"><strong>1</strong>' in html
    unplaced = reverse("events:bo_requests", kwargs={"pk": event.pk}) + "?state=unplaced"
    assert f'<a href="{unplaced}"><strong>1</strong>' in html


def test_backoffice_home_shows_no_events_section_without_an_events_role(client_for):
    html = client_for("participant", lang="en").get(reverse("core:backoffice_home"))
    # A participant has no back office at all; the section never leaks there.
    assert html.status_code in (302, 403)
