"""The event day, end to end in Chromium (issue 30, "Done when"): the organiser (1280 px)
prints the badges; a receptionist on a 360 px phone checks in three people, two of them
while the network is cut, and every scan arrives once; the dashboard counts them; a walk-in
is registered and matched on the free slots without moving a planned meeting; reminders set
on their page reach the outbox at their planned times (clock moved); a participant answers
the survey through the link of their invitation and the organiser reads it in the results.
axe-core on the main pages. Only the event itself, the walk-in's accepted request and the
clock are set up by code; everything else goes through the pages."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_checkin_offline import _phone, log_in
from tests.conftest import add_totp, make_user
from tests.events.conftest import make_company, make_event

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def clock(at):
    """Move the clock to `at` for the code run inside (the periodic jobs): time-machine moves
    Python's clock itself, so timezone.now() and every field default read it."""
    return time_machine.travel(at, tick=False)


def run_job(name, at):
    from civitas.core import periodic

    with clock(at):
        assert periodic.run_due(now=at, force=True, only=name) == [(name, "ok")]


def local(day, hh, mm=0):
    return dt.datetime.combine(day, dt.time(hh, mm), timezone.get_current_timezone())


def open_menu_item(page, event, name):
    """The event's menu (a disclosure on narrow screens, open at 1280 px), one of its pages."""
    summary = page.locator("nav.tabs summary")
    if summary.is_visible():
        summary.click()
    page.locator("nav.tabs").get_by_role("link", name=name, exact=True).click()
    expect(page.locator("nav.tabs")).to_be_visible()


def _world():
    from civitas.events.models import MeetingRequest, Slot
    from civitas.events.services import checkin, manual

    event = make_event("journee", tables=4)
    alpha = make_company(event, "Alpha Usinage")
    beta = make_company(event, "Beta Logistique")
    gamma = make_company(event, "Gamma Énergie")
    a, b, g = (c.representatives.get() for c in (alpha, beta, gamma))
    slots = list(Slot.objects.filter(session__day__event=event).order_by("start"))
    ab = MeetingRequest.objects.create(event=event, sender=a, recipient=b, state="confirmed")
    planned = manual.place_request(ab, slots[0])  # published
    checkin.ensure_lists(event)
    return event, a, b, g, planned


def test_event_day_journey(page, browser, live_server):
    import pypdf

    from civitas.core import accounts, modules
    from civitas.core.models import Role
    from civitas.core.outbox.models import Message
    from civitas.events.models import (
        Checkin,
        Invitation,
        Meeting,
        MeetingRequest,
        Representative,
    )

    event, a, b, g, planned = _world()
    planned_at = (planned.slot_id, planned.room_id, planned.table_number)
    organiser = make_user("organisatrice@example.org", role_code="principal_admin")
    log_in(page.context, live_server, organiser)
    base = f"/backoffice/evenements/{event.pk}"

    # 1. The organiser prints the badges from the event's menu.
    page.goto(f"{base}/")
    open_menu_item(page, event, "Jour J")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accueil")
    page.get_by_role("link", name="Badges, feuilles d'émargement, chevalets, attestations").click()
    assert_accessible(page)
    page.get_by_role("button", name="Produire tous les badges (PDF, en arrière-plan)").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages).lower()
    for name in ("alpha usinage", "beta logistique", "gamma énergie"):
        assert name in text, text[:500]

    # 2. The receptionist, on a 360 px phone: one scan online, two offline, then back.
    modules.ensure_roles(["events"])
    receptionist = make_user("accueil@example.org")
    add_totp(receptionist)
    accounts.grant(receptionist, Role.objects.get(code="event_reception"), ("event", event.pk))
    phone_context, phone = _phone(browser, live_server, bypass_csp=True)
    try:
        log_in(phone_context, live_server, receptionist)
        phone.goto(f"{base}/accueil/")
        phone.locator("table").get_by_role("link").first.click()
        expect(phone.locator("#checkin-net")).to_have_class("checkin-net net-online")
        assert_accessible(phone)
        code = phone.get_by_label("Code (lecteur ou saisie)")
        code.fill(a.checkin_token)
        code.press("Enter")
        expect(phone.locator("#checkin-result")).to_contain_text("VALIDE")
        expect(phone.locator("#checkin-result")).to_contain_text(a.full_name)

        phone_context.set_offline(True)
        code.fill(b.checkin_token)
        code.press("Enter")
        expect(phone.locator("#checkin-result")).to_contain_text(b.full_name)
        phone.get_by_label("Nom ou entreprise").fill("gamma")
        phone.locator("#checkin-found").get_by_role("button", name="Enregistrer l'entrée").click()
        expect(phone.locator("#checkin-result")).to_contain_text(g.full_name)
        expect(phone.locator("#checkin-net")).to_have_class("checkin-net net-offline")
        expect(phone.locator("#checkin-queue-count")).to_have_text("2")
        expect(phone.locator("#checkin-queue")).to_contain_text(b.full_name)
        expect(phone.locator("#checkin-queue")).to_contain_text(g.full_name)
        assert Checkin.objects.filter(checkin_list__event=event).count() == 1
        assert_accessible(phone)

        phone_context.set_offline(False)
        phone.evaluate("window.dispatchEvent(new Event('online'))")
        expect(phone.locator("#checkin-queue-box")).to_be_hidden()
        expect(phone.locator("#checkin-net")).to_have_class("checkin-net net-online")
        rows = Checkin.objects.filter(checkin_list__event=event)
        assert sorted(rows.values_list("representative_id", flat=True)) == sorted(
            [a.pk, b.pk, g.pk]
        )
        assert len(set(rows.values_list("client_id", flat=True))) == 3
    finally:
        phone_context.close()

    # 3. The organiser's dashboard counts them.
    page.goto(f"{base}/")
    open_menu_item(page, event, "Tableau de bord")
    expect(page.get_by_role("row", name=re.compile("^Entrés"))).to_contain_text("3")
    assert_accessible(page)

    # 4. A walk-in, registered on the walk-in page, asks to meet Gamma on the spot; the
    # matching on the free slots gives them a meeting and moves nothing already placed.
    page.goto(f"{base}/accueil/")
    page.get_by_role("link", name="Inscription sur place").click()
    page.get_by_label("Entreprise").fill("Walk Industries")
    page.get_by_label("Pays").select_option("FR")
    page.get_by_label("Prénom").fill("Wanda")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Walker")
    page.get_by_label("E-mail").fill("wanda@walk.example")
    page.get_by_role("button", name="S'inscrire").click()
    expect(page.get_by_role("status").first).to_contain_text("Wanda Walker")
    assert_accessible(page)
    walker = Representative.objects.get(email="wanda@walk.example")
    assert walker.checkins.get().method == "walkin"
    MeetingRequest.objects.create(event=event, sender=walker, recipient=g, state="confirmed")
    page.get_by_role("button", name="Placer sur les créneaux libres").click()
    page.wait_for_url(re.compile(r"/planification/\?run="))
    meeting = Meeting.objects.get(request__sender=walker, state="scheduled")
    planned.refresh_from_db()
    assert (planned.slot_id, planned.room_id, planned.table_number) == planned_at
    assert planned.state == "scheduled"
    assert meeting.slot.session.day.event_id == event.pk
    # The draft is published (both parties told): the reminders will cover it too.
    page.get_by_role("button", name="Publier le brouillon et prévenir tout le monde").click()
    page.get_by_role("button", name=re.compile("^Publier et envoyer")).click()
    expect(page.locator("main")).to_contain_text("Walk Industries")
    meeting.refresh_from_db()
    assert meeting.published

    # 5. Reminders: the day before the event (24 h) and one hour before each meeting.
    page.goto(f"{base}/accueil/")
    page.get_by_role("link", name="Calendrier des rappels et SMS groupé").click()
    for about, minutes in (
        ("L'événement (avec son programme)", "1440"),
        ("Chaque rendez-vous d'affaires", "60"),
    ):
        page.get_by_label("Objet").select_option(label=about)
        page.get_by_label("Minutes avant").fill(minutes)
        page.get_by_role("button", name="Ajouter", exact=True).click()
        expect(page.get_by_text("Rappel ajouté.")).to_be_visible()
    assert_accessible(page)
    Message.objects.all().delete()  # registration and placement mails
    day = event.start_date
    eve = local(day - dt.timedelta(days=1), 9)  # 1440 min before the 09:00 opening
    before = {m.pk: m.slot.start - dt.timedelta(minutes=60) for m in (planned, meeting)}
    run_job("events.send_reminders", eve - dt.timedelta(minutes=5))
    assert Message.objects.count() == 0  # nothing due yet
    for at in sorted({eve, *before.values()}):
        run_job("events.send_reminders", at)
    run_job("events.send_reminders", max(before.values()) + dt.timedelta(minutes=5))
    page.goto("/backoffice/outbox/messages/?q=Rappel")
    rows = page.locator("table tbody").get_by_role("row")
    people = {
        "p0@alpha": planned,
        "p0@beta": planned,
        "p0@gamma": meeting,
        "wanda@walk": meeting,
    }
    for who, their_meeting in people.items():
        row = rows.filter(has_text=who).filter(has_text="Rappel :")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("09/03/2027 09:00")
        row = rows.filter(has_text=who).filter(has_text="Rappel de rendez-vous")
        expect(row).to_have_count(1)
        expect(row).to_contain_text(
            f"{timezone.localtime(before[their_meeting.pk]):%d/%m/%Y %H:%M}"
        )
    expect(rows).to_have_count(8)
    assert_accessible(page)

    # 6. The survey: created on its page, sent by its job, answered through its link.
    page.goto(f"{base}/accueil/")
    page.get_by_role("link", name="Avis", exact=True).click()
    page.get_by_role(
        "button", name="Créer les questionnaires standard (rendez-vous, événement)"
    ).click()
    expect(page.get_by_role("link", name="Évaluation de l'événement")).to_be_visible()
    run_job("events.send_surveys", local(day, 18))
    invitation = Invitation.objects.get(representative=a, survey__kind="event")
    mail = Message.objects.get(
        template_code="events.feedback_invitation", body_text__contains=invitation.token
    )
    link = re.search(r"https?://\S+/avis/\S+/", mail.body_text)
    path = re.sub(r"^https?://[^/]+", "", link.group(0))
    participant = browser.new_context(
        base_url=live_server.url,
        bypass_csp=True,
        locale="fr-FR",
        viewport={"width": 360, "height": 740},
    )
    try:
        p = participant.new_page()
        p.goto(path)
        expect(p.get_by_role("heading", level=1)).to_have_text("Évaluation de l'événement")
        p.get_by_label("Très satisfait").check()
        p.get_by_label("Que devrions-nous améliorer ?").fill("Plus de tables au hall A.")
        assert_accessible(p)
        p.get_by_role("button", name="Envoyer ma réponse").click()
        expect(p.get_by_text("Merci pour votre réponse.")).to_be_visible()
    finally:
        participant.close()
    page.reload()
    page.get_by_role("link", name="Évaluation de l'événement").click()
    expect(page.locator("main")).to_contain_text("Plus de tables au hall A.")
    expect(page.get_by_role("row", name="Très satisfait")).to_contain_text("1")
    assert_accessible(page)
