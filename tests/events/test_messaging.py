"""Private messages: who may write, who may read, unread counts, throttled notices."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civitas.core.models import JournalEntry, Role, RoleAssignment
from civitas.core.outbox.models import Message
from civitas.core.permissions import clear_cache
from civitas.events.models import (
    Conversation,
    ConversationMember,
    ConversationMessage,
    MeetingRequest,
)
from civitas.events.services import ServiceError
from civitas.events.services import meetings as meeting_svc
from civitas.events.services import messaging as svc

from .conftest import make_company, make_event

NOTICE = "events.message_received"


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


def _reps(event):
    a = make_company(event, "Alpha", reps=2)
    b = make_company(event, "Beta")
    c = make_company(event, "Gamma")
    a1, a2 = a.representatives.order_by("first_name")
    return a1, a2, b.representatives.get(), c.representatives.get()


def _accepted(sender, recipient):
    req = meeting_svc.send_request(sender, recipient)
    return meeting_svc.accept_request(req, recipient)


def _notices(address):
    return Message.objects.filter(template_code=NOTICE, to=address)


def _thread_url(event, req):
    return reverse("events:area_thread_request", kwargs={"slug": event.slug, "request_pk": req.pk})


def _login(client, rep):
    client.force_login(rep.user)
    return client


# --- Rules ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_parties_write_once_the_request_is_accepted(event):
    a1, _a2, b, _c = _reps(event)
    req = meeting_svc.send_request(a1, b)
    with pytest.raises(ServiceError, match="once the request is accepted"):
        svc.post_to_meeting(req, a1, "Bonjour")
    assert not Conversation.objects.exists()
    meeting_svc.accept_request(req, b)
    msg = svc.post_to_meeting(req, b, "  Bonjour, à mardi.  ")
    assert msg.body == "Bonjour, à mardi."
    conv = msg.conversation
    assert conv.kind == "meeting" and conv.request == req
    assert set(conv.members.values_list("representative", flat=True)) == {a1.pk, b.pk}
    meeting_svc.confirm_request(req, a1)
    svc.post_to_meeting(req, a1, "Confirmé")
    meeting_svc.cancel_request(req, a1)
    with pytest.raises(ServiceError, match="read-only"):
        svc.post_to_meeting(req, b, "Encore là ?")
    assert ConversationMessage.objects.count() == 2


@pytest.mark.django_db
def test_messages_before_acceptance_when_the_event_allows_it(db):
    event = make_event("ouvert", allow_messages_before_acceptance=True)
    a1, _a2, b, _c = _reps(event)
    req = meeting_svc.send_request(a1, b)
    svc.post_to_meeting(req, a1, "Une question avant d'accepter ?")
    assert ConversationMessage.objects.filter(conversation__request=req).count() == 1
    meeting_svc.decline_request(req, b)
    with pytest.raises(ServiceError):
        svc.post_to_meeting(req, a1, "Dommage")


@pytest.mark.django_db
def test_only_the_parties_may_write_and_bodies_are_checked(event):
    a1, a2, b, c = _reps(event)
    req = _accepted(a1, b)
    for outsider in (a2, c):  # a colleague of a party is not a party either
        with pytest.raises(ServiceError, match="not a party"):
            svc.post_to_meeting(req, outsider, "Bonjour")
    with pytest.raises(ServiceError, match="Write a message"):
        svc.post_to_meeting(req, a1, "   \n ")
    with pytest.raises(ServiceError, match="at most 4000"):
        svc.post_to_meeting(req, a1, "x" * 4001)
    assert not ConversationMessage.objects.exists()


# --- Privacy --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_two_parties_read_a_meeting_conversation(client, event):
    a1, a2, b, c = _reps(event)
    req = _accepted(a1, b)
    svc.post_to_meeting(req, a1, "Prix confidentiel : 12 €")
    url = _thread_url(event, req)
    for party in (a1, b):
        r = _login(client, party).get(url)
        assert r.status_code == 200 and "Prix confidentiel" in r.content.decode()
    for outsider in (a2, c):
        r = _login(client, outsider).get(url)
        assert r.status_code == 404
        r = client.post(url, {"body": "intrusion"})
        assert r.status_code == 404
        inbox = client.get(reverse("events:area_messages", kwargs={"slug": event.slug}))
        assert "Prix confidentiel" not in inbox.content.decode()
        assert "Beta" not in inbox.content.decode()
    assert ConversationMessage.objects.count() == 1


@pytest.mark.django_db
def test_organisers_conversation_is_private_to_its_participant(client, event):
    a1, a2, _b, _c = _reps(event)
    svc.post_to_organisers(a1, "Où se garer ?")
    url = reverse("events:area_thread_organisers", kwargs={"slug": event.slug})
    assert "Où se garer" in _login(client, a1).get(url).content.decode()
    # the colleague has their own (empty) conversation with the organisers
    html = _login(client, a2).get(url).content.decode()
    assert "Où se garer" not in html and "No message yet" in html


@pytest.mark.django_db
def test_body_is_escaped_on_display(client, event):
    a1, _a2, b, _c = _reps(event)
    req = _accepted(a1, b)
    svc.post_to_meeting(req, a1, "<script>alert(1)</script>\nligne 2")
    html = _login(client, b).get(_thread_url(event, req)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>ligne 2" in html


def _event_manager(event, perms):
    from tests.conftest import add_totp, make_user

    role = Role.objects.create(code=f"mgr{event.pk}", name=f"Manager {event.pk}", permissions=perms)
    user = make_user(f"manager{event.pk}@example.org")
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=event.pk)
    add_totp(user)
    clear_cache(user)
    return user


@pytest.mark.django_db
def test_secondary_admin_reads_and_answers_only_in_their_event(client, users):
    ev_a, ev_b = make_event("event-a"), make_event("event-b")
    a1, _a2, b, _c = _reps(ev_a)
    x1, _x2, y, _z = _reps(ev_b)
    conv_a = svc.post_to_organisers(a1, "Question A").conversation
    conv_b = svc.post_to_organisers(x1, "Question B secrète").conversation
    meeting_b = svc.post_to_meeting(_accepted(x1, y), y, "Échange B").conversation
    manager = _event_manager(ev_a, ["core.access_backoffice", "events.manage_messages"])
    client.force_login(manager)

    def bo(name, **kw):
        return reverse(f"events:{name}", kwargs=kw)

    r = client.get(bo("bo_conversation", pk=ev_a.pk, conv_pk=conv_a.pk))
    assert r.status_code == 200 and "Question A" in r.content.decode()
    # the other event: refused, directly or through their own event's address
    assert client.get(bo("bo_messages", pk=ev_b.pk)).status_code == 403
    assert client.get(bo("bo_conversation", pk=ev_b.pk, conv_pk=conv_b.pk)).status_code == 403
    assert client.get(bo("bo_conversation", pk=ev_a.pk, conv_pk=conv_b.pk)).status_code == 404
    assert client.get(bo("bo_conversation", pk=ev_a.pk, conv_pk=meeting_b.pk)).status_code == 404
    r = client.post(bo("bo_conversation_participant", pk=ev_b.pk, rep_pk=x1.pk), {"body": "x"})
    assert r.status_code == 403
    r = client.post(bo("bo_conversation_participant", pk=ev_a.pk, rep_pk=x1.pk), {"body": "x"})
    assert r.status_code == 404
    assert not ConversationMessage.objects.filter(from_organisers=True).exists()
    # and the inbox of their event lists only their event
    html = client.get(bo("bo_messages", pk=ev_a.pk)).content.decode()
    assert f"/messages/{conv_a.pk}/" in html and f"/messages/{conv_b.pk}/" not in html
    # the service refuses too, whatever the caller
    with pytest.raises(ServiceError):
        svc.post_by_organisers(x1, manager, "hors périmètre")


@pytest.mark.django_db
def test_admin_without_the_messages_permission_is_refused(client, event):
    a1, *_ = _reps(event)
    conv = svc.post_to_organisers(a1, "Question").conversation
    manager = _event_manager(event, ["core.access_backoffice", "events.view_registrations"])
    client.force_login(manager)
    url = reverse("events:bo_conversation", kwargs={"pk": event.pk, "conv_pk": conv.pk})
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_admin_reading_a_meeting_conversation_is_read_only_and_journaled(client_for, event):
    a1, _a2, b, _c = _reps(event)
    conv = svc.post_to_meeting(_accepted(a1, b), a1, "Entre nous").conversation
    principal = client_for("principal")
    url = reverse("events:bo_conversation", kwargs={"pk": event.pk, "conv_pk": conv.pk})
    html = principal.get(url).content.decode()
    assert "Entre nous" in html and "<textarea" not in html
    entry = JournalEntry.objects.filter(action="events.conversation_viewed").get()
    assert entry.object_id == str(conv.pk)


# --- Unread counts and the participant's screens ----------------------------------------------


@pytest.mark.django_db
def test_unread_counts_and_badge(client, event):
    a1, _a2, b, _c = _reps(event)
    req = _accepted(a1, b)
    svc.post_to_meeting(req, b, "Un")
    svc.post_to_meeting(req, b, "Deux")
    svc.post_to_organisers(a1, "Ma question")  # own messages are not unread
    conv = svc.organisers_conversation(a1)
    admin_user = _event_manager(event, ["events.manage_messages"])
    svc.post_by_organisers(a1, admin_user, "Notre réponse")
    assert svc.unread_count(a1) == 3
    assert svc.unread_count(b) == 0
    rows = {m.conversation.kind: m.unread for m in svc.memberships(a1)}
    assert rows == {"meeting": 2, "organisers": 1}
    home = reverse("events:area_home", kwargs={"slug": event.slug})
    html = _login(client, a1).get(home).content.decode()
    assert '<span class="badge">3<span class="visually-hidden"> unread</span>' in html
    client.get(_thread_url(event, req))  # reading marks read
    assert svc.unread_count(a1) == 1
    client.get(reverse("events:area_thread_organisers", kwargs={"slug": event.slug}))
    assert svc.unread_count(a1) == 0
    assert 'class="badge"' not in client.get(home).content.decode()
    # organisers' side
    assert svc.organisers_unread_total(event) == 0  # they answered after the question
    svc.post_to_organisers(a1, "Merci, autre question")
    assert svc.organisers_unread_total(event) == 1
    assert svc.organisers_inbox(event).get(pk=conv.pk).unread == 1


@pytest.mark.django_db
def test_htmx_post_keeps_the_text_on_errors(client, event):
    a1, _a2, b, _c = _reps(event)
    req = _accepted(a1, b)
    url = _thread_url(event, req)
    _login(client, a1)
    long_text = "Très long message " + "x" * 4000
    r = client.post(url, {"body": long_text}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    html = r.content.decode()
    assert html.startswith('<section id="thread"')  # the partial only
    assert long_text in html and "error-summary" in html
    assert not ConversationMessage.objects.exists()
    r = client.post(url, {"body": "Bonjour <b>Beta</b>"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert "Message sent." in html and "Bonjour &lt;b&gt;Beta&lt;/b&gt;" in html
    assert 'name="body"' in html and "Bonjour <b>" not in html
    assert ConversationMessage.objects.get().author == a1
    # without JavaScript: redirect after success, page with the text kept on error
    r = client.post(url, {"body": "Sans JS"})
    assert r.status_code == 302 and r["Location"] == url
    r = client.post(url, {"body": ""})
    assert r.status_code == 200 and "error-summary" in r.content.decode()


@pytest.mark.django_db
def test_inbox_lists_conversations_and_requests_to_start(client, event):
    a1, _a2, b, c = _reps(event)
    svc.post_to_meeting(_accepted(a1, b), b, "Bonjour")
    _accepted(c, a1)  # accepted, nobody wrote yet
    meeting_svc.send_request(a1, make_company(event, "Delta").representatives.get())
    html = _login(client, a1).get(reverse("events:area_messages", kwargs={"slug": event.slug}))
    html = html.content.decode()
    assert "Beta" in html and "Gamma" in html
    assert "Delta" not in html  # pending, and the event does not allow messages before


# --- Notices ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_notice_without_the_body_and_one_per_burst(event):
    a1, _a2, b, _c = _reps(event)
    req = _accepted(a1, b)
    for text in ("Premier", "Deuxième", "Troisième secret"):
        svc.post_to_meeting(req, a1, text)
    notices = _notices(b.email)
    assert notices.count() == 1
    notice = notices.get()
    assert "Premier" not in notice.body_text and "secret" not in notice.body_text
    assert "P0 Alpha (Alpha)" in notice.body_text
    assert _thread_url(event, req) in notice.body_text
    assert not notice.essential  # the person can unsubscribe from these notices
    assert not _notices(a1.email).exists()  # the author is not notified
    member = ConversationMember.objects.get(representative=b)
    # later, unread: still no new notice before a day has passed
    ConversationMember.objects.filter(pk=member.pk).update(
        notified_at=timezone.now() - timedelta(hours=2)
    )
    svc.post_to_meeting(req, a1, "Quatrième")
    assert _notices(b.email).count() == 1
    # once B has read the conversation and the throttle delay has passed: a new notice
    svc.mark_read(member.conversation, b)
    svc.post_to_meeting(req, a1, "Cinquième")
    assert _notices(b.email).count() == 2
    # a day without reading: a reminder
    ConversationMember.objects.filter(pk=member.pk).update(
        notified_at=timezone.now() - timedelta(hours=25), read_at=None
    )
    svc.post_to_meeting(req, a1, "Sixième")
    assert _notices(b.email).count() == 3


@pytest.mark.django_db
def test_notice_in_the_recipients_language_and_opt_out(event):
    from civitas.core.outbox import services as outbox

    a1, _a2, b, c = _reps(event)
    b.user.language = "en"
    b.user.save()
    svc.post_to_meeting(_accepted(a1, b), a1, "Hello")
    notice = _notices(b.email).get()
    assert notice.subject.startswith("New message") and notice.language == "en"
    outbox.opt_out(c.email, NOTICE)
    svc.post_to_meeting(_accepted(a1, c), a1, "Bonjour")
    assert _notices(c.email).get().state == Message.State.SKIPPED


@pytest.mark.django_db
def test_organisers_are_told_and_their_answer_reaches_the_participant(client_for, event):
    event.organiser_email = "rdv@cci.example"
    event.save()
    a1, *_ = _reps(event)
    svc.post_to_organisers(a1, "Puis-je venir à deux ?")
    svc.post_to_organisers(a1, "Et garer deux voitures ?")
    to_orga = Message.objects.filter(template_code="events.message_to_organisers")
    assert list(to_orga.values_list("to", flat=True)) == ["rdv@cci.example"]
    assert "garer" not in to_orga.get().body_text
    principal = client_for("principal")
    url = reverse("events:bo_conversation_participant", kwargs={"pk": event.pk, "rep_pk": a1.pk})
    conv = svc.organisers_conversation(a1)
    assert principal.get(url)["Location"].endswith(f"/messages/{conv.pk}/")
    r = principal.post(url, {"body": "Oui, bien sûr."})
    assert r.status_code == 302
    answer = ConversationMessage.objects.get(from_organisers=True)
    assert answer.conversation == conv and answer.author is None
    notice = _notices(a1.email).get()
    assert "The organisers" in notice.body_text or "organisateurs" in notice.body_text.lower()
    entry = JournalEntry.objects.get(action="events.message_to_participant")
    assert entry.object_id == str(conv.pk) and "Oui" not in str(entry.details)
    # the participant sees it, shown as the organisers
    from django.conf import settings
    from django.test import Client

    participant = Client()
    participant.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _login(participant, a1).get(
        reverse("events:area_thread_organisers", kwargs={"slug": event.slug})
    )
    assert "Oui, bien sûr." in html.content.decode()


@pytest.mark.django_db
def test_organiser_addresses_fall_back_to_accounts_with_the_permission(event, users):
    ev_other = make_event("autre")
    manager = _event_manager(event, ["events.manage_messages"])
    _event_manager(ev_other, ["events.manage_messages"])
    _event_manager(make_event("tiers"), ["events.view_registrations"])
    addresses = svc.organiser_addresses(event)
    assert manager.email in addresses
    assert "principal@example.org" in addresses  # organisation-wide principal admin
    assert f"manager{ev_other.pk}@example.org" not in addresses


@pytest.mark.django_db
def test_organisers_may_start_a_conversation(client_for, event):
    a1, *_ = _reps(event)
    principal = client_for("principal")
    url = reverse("events:bo_conversation_participant", kwargs={"pk": event.pk, "rep_pk": a1.pk})
    r = principal.get(url)
    assert r.status_code == 200 and "No message yet" in r.content.decode()
    assert not Conversation.objects.exists()  # nothing created by looking
    r = principal.post(url, {"body": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "error-summary" in r.content.decode()
    assert not ConversationMessage.objects.exists()
    r = principal.post(url, {"body": "Votre badge est prêt."}, HTTP_HX_REQUEST="true")
    assert "Message sent." in r.content.decode()
    assert svc.unread_count(a1) == 1


# --- Retention and erasure ---------------------------------------------------------------------


@pytest.mark.django_db
def test_conversations_of_old_events_are_purged(event):
    import datetime as dt

    old = make_event("ancien")
    old.start_date = old.end_date = dt.date(2020, 1, 10)
    old.save()
    svc.post_to_organisers(make_company(old, "Vieux").representatives.get(), "Ancien")
    svc.post_to_organisers(make_company(event, "Actuel").representatives.get(), "Récent")
    assert svc.purge_old_conversations() == 1
    assert list(ConversationMessage.objects.values_list("body", flat=True)) == ["Récent"]
    entry = JournalEntry.objects.get(action="events.conversations_purged")
    assert entry.details["messages"] == 1


@pytest.mark.django_db
def test_erasure_deletes_the_persons_messages_only(event):
    from civitas.core.gdpr import services as gdpr

    a1, _a2, b, _c = _reps(event)
    req = _accepted(a1, b)
    svc.post_to_meeting(req, a1, "De A")
    svc.post_to_meeting(req, b, "De B")
    gdpr.erase(gdpr.Subject.find(a1.email))
    assert list(ConversationMessage.objects.values_list("body", flat=True)) == ["De B"]
    assert not ConversationMember.objects.filter(representative=a1).exists()
    assert MeetingRequest.objects.filter(pk=req.pk).exists()


# --- Concurrency (PostgreSQL) -------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_messages_share_one_conversation_and_one_notice_each():
    import threading

    from django.db import connection

    event = make_event("simultane")
    a1, _a2, b, _c = _reps(event)
    req = _accepted(a1, b)
    start = threading.Barrier(4)
    errors = []

    def post(rep, text):
        try:
            start.wait()
            svc.post_to_meeting(req, rep, text)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=post, args=(rep, f"{rep.company.name} {i}"))
        for i, rep in enumerate([a1, a1, b, b])
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert Conversation.objects.filter(request=req).count() == 1
    assert ConversationMessage.objects.filter(conversation__request=req).count() == 4
    assert ConversationMember.objects.filter(conversation__request=req).count() == 2
    # a burst: whatever the interleaving, each party is told once
    assert _notices(a1.email).count() == 1
    assert _notices(b.email).count() == 1
