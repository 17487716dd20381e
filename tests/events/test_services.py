import datetime as dt

import pytest
from django.utils import timezone

from civitas.core.outbox.models import Message
from civitas.events.models import Company, Meeting, MeetingRequest, Offer, Slot
from civitas.events.services import ServiceError, registration, setup, suggestions
from civitas.events.services import meetings as svc

from .conftest import make_company, make_event

State = MeetingRequest.State


@pytest.mark.django_db
def test_create_event_seeds_nace_sectors_and_slots(event):
    assert event.sectors.count() == 21
    assert event.sectors.filter(code="C", label_en="Manufacturing").exists()
    assert event.cooperation_types.count() >= 5
    assert Slot.objects.filter(session__day__event=event).count() == 3


@pytest.mark.django_db
def test_register_company_creates_accounts_and_sends_confirmation(event):
    company = make_company(
        event, "Acme", validated=False, reps=2, offers=[("offer", "Robots", ["robotique"])]
    )
    assert company.status == Company.Status.REGISTERED
    reps = list(company.representatives.all())
    assert all(r.user and not r.user.has_usable_password() for r in reps)
    msgs = Message.objects.filter(template_code="events.registration_received")
    assert msgs.count() == 2
    assert "/accounts/password/reset/key/" in msgs.first().body_text
    assert "robotique" in company.search_text and "acme" in company.search_text


@pytest.mark.django_db
def test_register_leaves_out_registered_addresses_and_refuses_closed_registration(event):
    from civitas.events.models import Representative

    make_company(event, "Acme")
    # The same representative e-mail again: no error that would tell the address is
    # registered (issue 31); nothing is saved and the address gets a notice.
    again = registration.register_company(
        event,
        Company(name="Acme bis", country="FR", siret="73282932000074"),
        [Representative(first_name="P0", last_name="Acme", email="p0@acme.example")],
        [],
    )
    assert again.pk is None
    assert Representative.objects.filter(email="p0@acme.example").count() == 1
    assert Message.objects.filter(template_code="events.registration_duplicate").count() == 1
    event.registration_closes = timezone.now() - dt.timedelta(days=1)
    event.save()
    with pytest.raises(ServiceError):
        make_company(event, "Late")


@pytest.mark.django_db
def test_validation_notifies(event):
    company = make_company(event, "Acme", validated=False)
    registration.validate_registration(company)
    company.refresh_from_db()
    assert company.status == Company.Status.VALIDATED and company.validated_at
    assert Message.objects.filter(template_code="events.registration_validated").count() == 1


@pytest.mark.django_db
def test_mutual_acceptance_flow(event):
    a = make_company(event, "Alpha").representatives.get()
    b = make_company(event, "Beta").representatives.get()
    req = svc.send_request(a, b, "Bonjour")
    assert req.state == State.PENDING and req.expires_at
    with pytest.raises(ServiceError):
        svc.confirm_request(req, a)  # not accepted yet: never accepted by default
    with pytest.raises(ServiceError):
        svc.accept_request(req, a)  # only B accepts
    with pytest.raises(ServiceError):
        svc.send_request(b, a)  # a request is already open between them
    svc.accept_request(req, b)
    with pytest.raises(ServiceError):
        svc.confirm_request(req, b)  # only A confirms
    req = svc.confirm_request(req, a)
    assert req.state == State.CONFIRMED
    # requests mode: waits for the scheduler
    assert not Meeting.objects.exists()
    sms = Message.objects.filter(channel="sms", body_text__contains="est confirmé")
    assert sms.count() == 2


@pytest.mark.django_db
def test_request_needs_validated_companies_and_other_company(event):
    a = make_company(event, "Alpha", reps=2).representatives.all()
    c = make_company(event, "Gamma", validated=False).representatives.get()
    with pytest.raises(ServiceError):
        svc.send_request(a[0], c)
    with pytest.raises(ServiceError):
        svc.send_request(a[0], a[1])


@pytest.mark.django_db
def test_decline_and_cancel_notify_other_side(event):
    a = make_company(event, "Alpha").representatives.get()
    b = make_company(event, "Beta").representatives.get()
    req = svc.decline_request(svc.send_request(a, b), b, "Pas intéressé")
    assert req.state == State.DECLINED
    assert Message.objects.filter(template_code="events.request_declined", to=a.email).exists()
    req2 = svc.send_request(a, b)
    svc.accept_request(req2, b)
    svc.cancel_request(req2, b, "Empêchement")
    req2.refresh_from_db()
    assert req2.state == State.CANCELLED and req2.cancelled_by == b
    assert Message.objects.filter(template_code="events.meeting_cancelled", to=a.email).exists()
    assert Message.objects.filter(channel="sms", to=a.phone, body_text__contains="annulé").exists()
    with pytest.raises(ServiceError):
        svc.cancel_request(req2, a)


@pytest.mark.django_db
def test_expire_requests(event):
    a = make_company(event, "Alpha").representatives.get()
    b = make_company(event, "Beta").representatives.get()
    req = svc.send_request(a, b)
    assert svc.expire_requests(now=timezone.now()) == 0
    later = timezone.now() + dt.timedelta(days=event.request_expiry_days, minutes=1)
    assert svc.expire_requests(now=later) == 1
    req.refresh_from_db()
    assert req.state == State.EXPIRED
    with pytest.raises(ServiceError):
        svc.accept_request(req, b)


@pytest.mark.django_db
def test_slots_mode_places_meeting_and_refuses_double_booking(slots_event):
    event = slots_event
    slot = Slot.objects.filter(session__day__event=event).first()
    a = make_company(event, "Alpha").representatives.get()
    b = make_company(event, "Beta").representatives.get()
    c = make_company(event, "Gamma").representatives.get()
    r1 = svc.send_request(a, b, slot=slot)
    r2 = svc.send_request(c, b, slot=slot)
    svc.accept_request(r1, b)
    svc.accept_request(r2, b)
    svc.confirm_request(r1, a)
    m = Meeting.objects.get(request=r1)
    assert m.slot == slot and m.published and 1 <= m.table_number <= 10
    with pytest.raises(ServiceError, match="already has a meeting"):
        svc.confirm_request(r2, c)
    r2.refresh_from_db()
    assert r2.state == State.ACCEPTED


@pytest.mark.django_db
def test_slots_mode_last_table():
    event = make_event("petit", mode="slots", tables=1)
    slot = Slot.objects.filter(session__day__event=event).first()
    reps = [make_company(event, f"C{i}").representatives.get() for i in range(4)]
    r1 = svc.send_request(reps[0], reps[1], slot=slot)
    r2 = svc.send_request(reps[2], reps[3], slot=slot)
    for r, by in ((r1, reps[1]), (r2, reps[3])):
        svc.accept_request(r, by)
    svc.confirm_request(r1, reps[0])
    with pytest.raises(ServiceError, match="No table is left"):
        svc.confirm_request(r2, reps[2])


@pytest.mark.django_db
def test_slot_regeneration_never_drops_a_slot_with_meetings(slots_event):
    event = slots_event
    session = event.days.get().sessions.get()
    slot = session.slots.order_by("start").last()
    a = make_company(event, "Alpha").representatives.get()
    b = make_company(event, "Beta").representatives.get()
    r = svc.send_request(a, b, slot=slot)
    svc.accept_request(r, b)
    svc.confirm_request(r, a)
    session.end_time = dt.time(9, 40)
    session.save()
    with pytest.raises(ServiceError, match="hold meetings"):
        setup.generate_slots(session)
    assert session.slots.count() == 3
    session.end_time = dt.time(11)
    session.save()
    assert setup.generate_slots(session) == {"created": 3, "deleted": 0, "total": 6}


@pytest.mark.django_db
def test_suggestions_pair_matching_offers_and_requests_with_reasons_in_words(event):
    sector = event.sectors.get(code="C")
    me = make_company(
        event, "Alpha", sector=sector, offers=[("offer", "Capteurs", ["iot", "capteurs"])]
    )
    fit = make_company(
        event, "Beta", offers=[("request", "Cherche capteurs", ["capteurs", "bois"])]
    )
    same_sector = make_company(event, "Epsilon", sector=sector, offers=[("request", "Moules", [])])
    # Another offer sharing a keyword is not a match (offer with offer), nor a request
    # with nothing in common (no shared keyword, another sector).
    make_company(event, "Gamma", offers=[("offer", "Autres capteurs", ["iot"])])
    make_company(
        event,
        "Delta",
        sector=event.sectors.get(code="A"),
        offers=[("request", "Textile", ["coton"])],
    )
    rep = me.representatives.get()
    found = suggestions.suggestions(rep)
    assert [s.company for s in found] == [fit, same_sector]
    assert found[0].reasons == [
        "You offer “Capteurs”; Beta is looking for “Cherche capteurs” (shared keywords: capteurs)."
    ]
    assert found[1].reasons == ["You offer “Capteurs”; Epsilon is looking for “Moules” (sector C)."]
    assert not hasattr(found[0], "score")
    # once a request is open, the company is no longer suggested
    svc.send_request(rep, fit.representatives.get())
    assert fit not in [s.company for s in suggestions.suggestions(rep)]
    # From the other side, in French: « Vous recherchez … ; Alpha propose … »
    from django.utils import translation

    with translation.override("fr"):
        (s,) = suggestions.suggestions(same_sector.representatives.get())
    assert s.company == me
    assert s.reasons[0].startswith("Vous recherchez « Moules » ; Alpha propose « Capteurs »")


@pytest.mark.django_db
def test_offer_edit_only_by_own_company(event):
    alpha = make_company(event, "Alpha", offers=[("offer", "A", [])])
    beta = make_company(event, "Beta")
    offer = alpha.offers.get()
    offer.title = "Hacked"
    with pytest.raises(ServiceError):
        registration.save_offer(offer, by=beta.representatives.get())
    assert Offer.objects.get(pk=offer.pk).title == "A"


@pytest.mark.parametrize(
    "value, country, message",
    [
        ("DE123", "DE", "not valid"),
        ("DE136695976", "FR", "another country"),
        ("FR40303265045", "FR", None),
        ("EL094259216", "GR", None),
    ],
)
def test_vat_checks(value, country, message):
    from django.core.exceptions import ValidationError

    from civitas.events.services import checks

    if message is None:
        assert checks.clean_vat(value, country) == value
    else:
        with pytest.raises(ValidationError, match=message):
            checks.clean_vat(value, country)


def test_siret_check():
    from django.core.exceptions import ValidationError

    from civitas.events.services import checks

    assert checks.clean_siret("732 829 320 00074") == "73282932000074"
    with pytest.raises(ValidationError, match="SIRET"):
        checks.clean_siret("73282932000075")
