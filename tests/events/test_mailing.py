"""Mailings to a filtered set of an event's participants, through the core outbox."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from civitas.core.models import JournalEntry
from civitas.core.outbox import recipients
from civitas.core.outbox import services as outbox
from civitas.core.outbox.models import Mailing, Message
from civitas.events.models import Session
from civitas.events.services import ServiceError, setup
from civitas.events.services import mailing as svc
from civitas.events.services import meetings as meeting_svc

from .conftest import make_company, make_event


@pytest.fixture
def client_for(client_for):
    """The same clients, asking for English pages (the assertions read English texts)."""
    from django.conf import settings

    def make(role):
        c = client_for(role)
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return c

    return make


@pytest.fixture
def client(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def world(event):
    """Alpha (FR, sector 1, meeting with Beta, absent in the afternoon), Beta (DE, sector 2),
    Gamma (FR, registered only, English account), Delta (IT, rejected)."""
    day = event.days.get()
    morning = day.sessions.get()
    afternoon = Session.objects.create(
        day=day, name="Après-midi", start_time=dt.time(14), end_time=dt.time(15)
    )
    setup.generate_slots(afternoon)
    s1, s2 = list(event.sectors.order_by("code")[:2])
    alpha = make_company(event, "Alpha", sector=s1).representatives.get()
    beta = make_company(event, "Beta", country="DE", sector=s2).representatives.get()
    gamma = make_company(event, "Gamma", validated=False).representatives.get()
    delta = make_company(event, "Delta", country="IT").representatives.get()
    from civitas.events.services import registration

    registration.reject_registration(delta.company, reason="Hors sujet")
    alpha.absent_sessions.set([afternoon])
    gamma.absent_sessions.set([morning])
    gamma.user.language = "en"
    gamma.user.save()
    req = meeting_svc.send_request(alpha, beta)
    meeting_svc.accept_request(req, beta)
    meeting_svc.confirm_request(req, alpha)
    with transaction.atomic():
        meeting_svc.place_meeting(req, morning.slots.first())
    return {
        "event": event,
        "alpha": alpha,
        "beta": beta,
        "gamma": gamma,
        "delta": delta,
        "morning": morning,
        "afternoon": afternoon,
        "s1": s1,
        "s2": s2,
    }


def _names(event, **params):
    return [r.company.name for r in svc.participants(event, {"event": event.pk, **params})]


@pytest.mark.django_db
def test_filters(world):
    ev, w = world["event"], world
    assert _names(ev) == ["Alpha", "Beta", "Delta", "Gamma"]
    assert _names(ev, status=["validated"]) == ["Alpha", "Beta"]
    assert _names(ev, status=["registered", "rejected"]) == ["Delta", "Gamma"]
    assert _names(ev, sector=[w["s2"].pk]) == ["Beta"]
    assert _names(ev, country=["fr", "IT"]) == ["Alpha", "Delta", "Gamma"]
    assert _names(ev, sessions=[w["afternoon"].pk]) == ["Beta", "Delta", "Gamma"]
    assert _names(ev, sessions=[w["morning"].pk]) == ["Alpha", "Beta", "Delta"]
    assert _names(ev, sessions=[w["morning"].pk, w["afternoon"].pk]) == [
        "Alpha",
        "Beta",
        "Delta",
        "Gamma",
    ]
    assert _names(ev, meetings="with") == ["Alpha", "Beta"]
    assert _names(ev, meetings="without") == ["Delta", "Gamma"]
    assert _names(ev, language="en") == ["Gamma"]
    assert _names(ev, status=["validated"], country=["FR"], meetings="with") == ["Alpha"]
    # junk in the stored parameters is ignored rather than crashing a mailing
    assert _names(ev, sector=["x"], sessions=[None]) == ["Alpha", "Beta", "Delta", "Gamma"]


@pytest.mark.django_db
def test_the_outbox_source_is_the_screens_filter(world):
    ev = world["event"]
    params = {"event": ev.pk, "status": ["validated", "registered"], "meetings": "without"}
    found = recipients.resolve(svc.SOURCE, params)
    assert [r.address for r in found] == [r.email for r in svc.participants(ev, params)]
    assert [r.address for r in found] == [world["gamma"].email]
    gamma = found[0]
    assert gamma.language == "en" and gamma.context["company"] == "Gamma"
    assert gamma.context["area_url"].endswith(f"/espace/evenements/{ev.slug}/")
    assert svc.SOURCE in [s.code for s in recipients.sources()]
    # without an event (e.g. chosen on the generic mailing screen) nobody is selected
    assert recipients.resolve(svc.SOURCE, {}) == []
    assert recipients.resolve(svc.SOURCE, {"event": 999999}) == []


@pytest.mark.django_db
def test_placeholders_single_or_double_braces(world):
    text = "Bonjour {first_name} de {{ company }}, {unknown} {{ event }}"
    out = svc.normalise_placeholders(text)
    assert out == "Bonjour {{ first_name }} de {{ company }}, {unknown} {{ event }}"
    assert svc.check_text("{{ nope }}") and not svc.check_text(text)


@pytest.mark.django_db
def test_live_count_and_preview(client_for, world):
    ev = world["event"]
    principal = client_for("principal")
    r = principal.get(reverse("events:bo_mailing_new", kwargs={"pk": ev.pk}))
    html = r.content.decode()
    assert r.status_code == 200 and "2 recipients." in html  # validated by default
    url = reverse("events:bo_mailing_preview", kwargs={"pk": ev.pk})
    r = principal.post(
        url,
        {
            "status": ["validated"],
            "country": ["DE"],
            "subject": "Infos {event}",
            "body": "Bonjour {first_name} ({company}) : {{ agenda_url }}",
        },
        HTTP_HX_REQUEST="true",
    )
    html = r.content.decode()
    assert html.startswith('<div id="mailing-preview"')
    assert "1 recipient." in html and "P0 Beta — Beta" in html
    assert f"Infos {ev.name}" in html and "Bonjour P0 (Beta)" in html
    assert f"/espace/evenements/{ev.slug}/agenda/" in html
    r = principal.post(url, {"status": ["validated"], "body": "{{ secret }}"})
    assert "Unknown placeholder: secret" in r.content.decode()


def _send_data(**over):
    data = {
        "status": ["validated", "registered"],
        "subject": "Programme de {event}",
        "body": "Bonjour {first_name},\nvoici le programme de {company}.",
        "send": "1",
    }
    data.update(over)
    return data


@pytest.mark.django_db
def test_send_goes_through_the_outbox_with_opt_outs(
    client_for, world, django_capture_on_commit_callbacks
):
    ev, alpha, beta = world["event"], world["alpha"], world["beta"]
    outbox.opt_out(beta.email, svc.category(ev))
    principal = client_for("principal")
    url = reverse("events:bo_mailing_new", kwargs={"pk": ev.pk})
    # First the confirmation, with the number of people written to; nothing sent yet.
    r = principal.post(url, _send_data())
    assert r.status_code == 200 and not Mailing.objects.exists()
    assert "3 people will receive an e-mail." in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = principal.post(url, _send_data(confirmed="1"))
    mailing = Mailing.objects.get()
    assert r.status_code == 302
    assert r["Location"] == reverse(
        "events:bo_mailing", kwargs={"pk": ev.pk, "mailing_pk": mailing.pk}
    )
    assert mailing.source == "events.participants"
    assert mailing.source_params["event"] == ev.pk
    assert mailing.source_params["status"] == ["validated", "registered"]
    assert mailing.body.startswith("Bonjour {{ first_name }}")
    assert not mailing.essential and mailing.category == f"events.{ev.slug}"
    rows = {m.to: m for m in Message.objects.filter(mailing=mailing)}
    assert set(rows) == {alpha.email, beta.email, world["gamma"].email}
    assert rows[alpha.email].body_text.startswith("Bonjour P0,\nvoici le programme de Alpha.")
    assert rows[alpha.email].subject == f"Programme de {ev.name}"
    assert "/mail/unsubscribe/" in rows[alpha.email].body_text
    assert rows[beta.email].state == Message.State.SKIPPED  # opted out of this event
    assert rows[alpha.email].state == Message.State.SENT
    entry = JournalEntry.objects.get(action="events.mailing_sent")
    assert entry.details["mailings"] == [mailing.pk] and entry.details["recipients"] == 3
    # progress page (and its HTMX refresh)
    detail = reverse("events:bo_mailing", kwargs={"pk": ev.pk, "mailing_pk": mailing.pk})
    assert "opted out" in principal.get(detail).content.decode()
    partial = principal.get(detail, HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div class="job-progress"')
    listing = principal.get(reverse("events:bo_mailings", kwargs={"pk": ev.pk}))
    assert "Programme de {{ event }}" in listing.content.decode()


@pytest.mark.django_db
def test_service_message_reaches_those_who_opted_out(world, django_capture_on_commit_callbacks):
    ev, beta = world["event"], world["beta"]
    outbox.opt_out(beta.email, "*")
    with django_capture_on_commit_callbacks(execute=True):
        svc.send(
            ev,
            {"status": ["validated"]},
            subject="Changement de salle",
            body="La salle change.",
            essential=True,
        )
    msg = Message.objects.get(to=beta.email, mailing__isnull=False)
    assert msg.state == Message.State.SENT and "/mail/unsubscribe/" not in msg.body_text


@pytest.mark.django_db
def test_english_version_goes_to_english_accounts(world, django_capture_on_commit_callbacks):
    ev = world["event"]
    with django_capture_on_commit_callbacks(execute=True):
        mailings = svc.send(
            ev,
            {"status": ["validated", "registered"]},
            subject="Bienvenue {first_name}",
            body="Texte français",
            subject_en="Welcome {first_name}",
            body_en="English text",
        )
    assert [m.language for m in mailings] == ["fr", "en"]
    sent = {m.to: m for m in Message.objects.filter(mailing__in=mailings)}
    assert sent[world["gamma"].email].body_text.startswith("English text")
    assert sent[world["gamma"].email].subject == "Welcome P0"
    assert sent[world["alpha"].email].body_text.startswith("Texte français")
    assert len(sent) == 3  # everyone once, in one language
    with pytest.raises(ServiceError, match="both"):
        svc.send(ev, {}, subject="a", body="b", subject_en="only a subject")


@pytest.mark.django_db
def test_bad_input_keeps_the_text_and_sends_nothing(client_for, world):
    ev = world["event"]
    principal = client_for("principal")
    url = reverse("events:bo_mailing_new", kwargs={"pk": ev.pk})
    r = principal.post(url, _send_data(body="Bonjour {{ prenom }}, à bientôt"))
    html = r.content.decode()
    assert r.status_code == 200 and "Unknown placeholder: prenom" in html
    assert "Bonjour {{ prenom }}, à bientôt" in html
    # nobody matches: a clear message, the form is kept
    r = principal.post(url, _send_data(country=["IT"], status=["validated"]))
    html = r.content.decode()
    assert "No participant matches these filters" in html and "Programme de {event}" in html
    r = principal.post(url, _send_data(subject_en="Only the subject"))
    assert "Give both the English subject" in r.content.decode()
    assert not Mailing.objects.exists()
    assert not Message.objects.filter(mailing__isnull=False).exists()


@pytest.mark.django_db
def test_secondary_admin_mails_only_their_event(client, world):
    from civitas.core.models import Role, RoleAssignment
    from civitas.core.permissions import clear_cache
    from tests.conftest import add_totp, make_user

    ev = world["event"]
    other = make_event("autre")
    make_company(other, "Secret SA")
    theirs = svc.send(ev, {"status": ["validated"]}, subject="A", body="A")[0]
    foreign = svc.send(other, {}, subject="B", body="B")[0]
    role = Role.objects.create(
        code="mailer", name="Mailer", permissions=["core.access_backoffice", "events.send_mailings"]
    )
    user = make_user("mailer@example.org")
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=ev.pk)
    add_totp(user)
    clear_cache(user)
    client.force_login(user)
    assert client.get(reverse("events:bo_mailing_new", kwargs={"pk": ev.pk})).status_code == 200
    for name in ("bo_mailing_new", "bo_mailing_preview", "bo_mailings"):
        assert client.get(reverse(f"events:{name}", kwargs={"pk": other.pk})).status_code == 403
    r = client.post(
        reverse("events:bo_mailing_new", kwargs={"pk": other.pk}), _send_data(status=[])
    )
    assert r.status_code == 403
    kw = {"pk": other.pk, "mailing_pk": foreign.pk}
    assert client.get(reverse("events:bo_mailing", kwargs=kw)).status_code == 403
    kw = {"pk": ev.pk, "mailing_pk": foreign.pk}
    assert client.get(reverse("events:bo_mailing", kwargs=kw)).status_code == 404
    listing = client.get(reverse("events:bo_mailings", kwargs={"pk": ev.pk})).content.decode()
    assert (
        f"/publipostage/{theirs.pk}/" in listing and f"/publipostage/{foreign.pk}/" not in listing
    )
    # the generic outbox screens stay closed to them
    assert client.get(reverse("outbox:mailing_create")).status_code == 403
    assert Mailing.objects.count() == 2
