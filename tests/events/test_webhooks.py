"""Webhooks against a real local HTTP server: signature, topics, retries with back-off,
delivery log; the back-office screens and their event scope."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from civitas.core.models import JournalEntry, Role
from civitas.core.permissions import clear_cache
from civitas.events.models import (
    Meeting,
    MeetingRequest,
    WebhookDelivery,
    WebhookSubscription,
)
from civitas.events.services import meetings as meeting_svc
from civitas.events.services import registration, webhooks
from civitas.events.services import scheduling as scheduling_svc
from tests.conftest import make_user
from tests.events.conftest import make_company, make_event

pytestmark = pytest.mark.django_db


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, dict(self.headers), body))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok" if status < 300 else b"try later")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.received, server.statuses = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}/crm/hook"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def allow_local_receiver(settings):
    """The receiver listens on 127.0.0.1, an internal address: allowlisted as an
    on-premises CRM would be."""
    settings.CIVITAS_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def event(db):
    return make_event("salon-hooks", mode="slots")


def make_due(delivery):
    """Time passes: the next attempt is now."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def subscribe(event, url, topics):
    return WebhookSubscription.objects.create(event=event, name="CRM", url=url, topics=topics)


def test_validation_is_signed_and_delivered(event, receiver, django_capture_on_commit_callbacks):
    sub = subscribe(event, receiver.url, ["company.validated"])
    company = make_company(event, "Acme", validated=False)
    assert receiver.received == []  # company.registered is not subscribed
    with django_capture_on_commit_callbacks(execute=True):
        registration.validate_registration(company)
    [(path, headers, body)] = receiver.received
    assert path == "/crm/hook"
    payload = json.loads(body)
    assert payload["topic"] == "company.validated"
    assert payload["event"] == {"id": event.pk, "slug": "salon-hooks"}
    assert payload["data"]["id"] == company.pk and payload["data"]["status"] == "validated"
    assert "Acme" not in body.decode()  # ids and states only
    assert headers["X-Civitas-Topic"] == "company.validated"
    assert webhooks.verify(sub.secret, headers["X-Civitas-Signature"], body)
    assert not webhooks.verify("another-secret", headers["X-Civitas-Signature"], body)
    assert not webhooks.verify(sub.secret, headers["X-Civitas-Signature"], body + b" ")
    delivery = WebhookDelivery.objects.get()
    assert headers["X-Civitas-Delivery"] == str(delivery.pk)
    assert delivery.state == "delivered" and delivery.attempts == 1
    assert delivery.response_status == 200 and delivery.log[0]["status"] == 200


def test_nothing_is_sent_when_the_transaction_rolls_back(event, receiver):
    subscribe(event, receiver.url, ["company.validated"])
    company = make_company(event, "Acme", validated=False)
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        registration.validate_registration(company)
        raise RuntimeError
    assert receiver.received == [] and not WebhookDelivery.objects.exists()


def test_retries_with_backoff_then_delivered(
    event, receiver, settings, django_capture_on_commit_callbacks
):
    settings.CIVITAS_WEBHOOK_MAX_ATTEMPTS = 3
    subscribe(event, receiver.url, ["company.validated"])
    company = make_company(event, "Acme", validated=False)
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        registration.validate_registration(company)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "retrying" and delivery.attempts == 1
    assert delivery.response_status == 503 and delivery.last_error == "HTTP 503"
    wait = delivery.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=50) < wait <= dt.timedelta(seconds=60)  # first back-off: 1 min
    # Not due yet: the periodic job leaves it.
    webhooks.due()
    assert len(receiver.received) == 1
    # Due: sent again; the server fails again, the back-off doubles.
    receiver.statuses = [500]
    make_due(delivery)
    webhooks.due()
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.state == "retrying"
    assert delivery.next_attempt_at - timezone.now() > dt.timedelta(seconds=110)
    # Third attempt succeeds: the same delivery id every time (idempotency key).
    make_due(delivery)
    webhooks.due()
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and delivery.attempts == 3
    assert [entry["status"] for entry in delivery.log] == [503, 500, 200]
    ids = {h["X-Civitas-Delivery"] for _p, h, _b in receiver.received}
    assert ids == {str(delivery.pk)} and len(receiver.received) == 3


def test_gives_up_after_max_attempts_and_admin_can_retry(
    event, settings, receiver, django_capture_on_commit_callbacks
):
    settings.CIVITAS_WEBHOOK_MAX_ATTEMPTS = 2
    # Nothing listens on this port: connection refused.
    receiver.shutdown()
    receiver.server_close()
    subscribe(event, receiver.url, ["company.validated"])
    company = make_company(event, "Acme", validated=False)
    with django_capture_on_commit_callbacks(execute=True):
        registration.validate_registration(company)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "retrying" and "ConnectionError" in delivery.last_error
    make_due(delivery)
    webhooks.due()
    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.next_attempt_at is None
    webhooks.due(now=timezone.now() + dt.timedelta(days=1))
    delivery.refresh_from_db()
    assert delivery.attempts == 2  # a failed delivery is not retried by itself


def test_interrupted_sending_is_recovered(event, receiver):
    sub = subscribe(event, receiver.url, ["company.validated"])
    d = WebhookDelivery.objects.create(
        subscription=sub,
        topic="company.validated",
        payload={"x": 1},
        state="sending",
        claimed_at=timezone.now() - dt.timedelta(minutes=30),
    )
    webhooks.due()
    d.refresh_from_db()
    assert d.state == "delivered" and len(receiver.received) == 1


def test_meeting_scheduled_moved_cancelled(event, receiver, django_capture_on_commit_callbacks):
    subscribe(event, receiver.url, ["meeting.scheduled", "meeting.moved", "meeting.cancelled"])
    acme = make_company(event, "Acme")
    beta = make_company(event, "Beta")
    a, b = acme.representatives.first(), beta.representatives.first()
    slots = list(event.days.first().sessions.first().slots.all())
    with django_capture_on_commit_callbacks(execute=True):
        req = meeting_svc.send_request(a, b, slot=slots[0])
        meeting_svc.accept_request(req, b)
        meeting_svc.confirm_request(req, a)
    first = Meeting.objects.get(request=req, state="scheduled")
    with django_capture_on_commit_callbacks(execute=True):
        from django.db import transaction

        with transaction.atomic():
            moved = meeting_svc.place_meeting(req, slots[1])
    with django_capture_on_commit_callbacks(execute=True):
        meeting_svc.cancel_request(req, a, "empêchement")
    topics = [json.loads(body)["topic"] for _p, _h, body in receiver.received]
    assert topics == ["meeting.scheduled", "meeting.moved", "meeting.cancelled"]
    scheduled, move, cancel = (json.loads(body)["data"] for _p, _h, body in receiver.received)
    assert scheduled["id"] == first.pk and scheduled["requester"]["contact"] == a.pk
    assert move["id"] == moved.pk and move["previous"]["id"] == first.pk
    assert move["start"] == slots[1].start.isoformat()
    assert cancel["id"] == moved.pk and cancel["state"] == "cancelled"


def test_publishing_a_schedule_sends_meeting_scheduled(
    receiver, django_capture_on_commit_callbacks
):
    event = make_event("salon-req")
    subscribe(event, receiver.url, ["meeting.scheduled"])
    acme, beta = make_company(event, "Acme"), make_company(event, "Beta")
    req = MeetingRequest.objects.create(
        event=event,
        sender=acme.representatives.first(),
        recipient=beta.representatives.first(),
        state="confirmed",
    )
    Meeting.objects.create(
        event=event,
        request=req,
        slot=event.days.first().sessions.first().slots.first(),
        room=event.sites.first().rooms.first(),
        table_number=2,
    )
    assert receiver.received == []  # a draft is not announced
    with django_capture_on_commit_callbacks(execute=True):
        scheduling_svc.publish(event, notify_people=False)
    [(_p, _h, body)] = receiver.received
    data = json.loads(body)["data"]
    assert data["request"] == req.pk and data["published"] is True and data["table"] == 2


def test_inactive_or_other_event_subscriptions_get_nothing(
    event, receiver, django_capture_on_commit_callbacks
):
    other = make_event("autre-salon")
    subscribe(other, receiver.url, ["company.validated"])
    sub = subscribe(event, receiver.url, ["company.validated"])
    sub.is_active = False
    sub.save()
    company = make_company(event, "Acme", validated=False)
    with django_capture_on_commit_callbacks(execute=True):
        registration.validate_registration(company)
    assert receiver.received == [] and not WebhookDelivery.objects.exists()


# --- Back office ---------------------------------------------------------------------------


@pytest.fixture
def hook_admin(event):
    role = Role.objects.create(
        code="hooks",
        name="Hooks",
        permissions=[
            "core.access_backoffice",
            "events.view_registrations",
            "events.manage_webhooks",
        ],
    )
    user = make_user("hooks@example.org", role_code=role.code, scope=("event", event.pk))
    clear_cache(user)
    return user


def test_back_office_create_ping_rotate_delete(
    client, event, hook_admin, receiver, settings, django_capture_on_commit_callbacks
):
    client.force_login(hook_admin)
    new = reverse("events:bo_webhook_new", kwargs={"pk": event.pk})
    # http:// refused outside development; the form keeps what was typed.
    settings.CIVITAS_WEBHOOK_ALLOW_HTTP = False
    r = client.post(
        new, {"name": "CRM Selligent", "url": receiver.url, "topics": ["meeting.moved"]}
    )
    assert r.status_code == 200 and "https://" in r.content.decode()
    assert "CRM Selligent" in r.content.decode() and not WebhookSubscription.objects.exists()
    r = client.post(new, {"name": "CRM", "url": receiver.url, "topics": []})
    assert r.status_code == 200 and not WebhookSubscription.objects.exists()
    settings.CIVITAS_WEBHOOK_ALLOW_HTTP = True
    r = client.post(
        new,
        {"name": "CRM", "url": receiver.url, "topics": ["meeting.moved"], "is_active": "on"},
    )
    sub = WebhookSubscription.objects.get()
    detail = reverse("events:bo_webhook", kwargs={"pk": event.pk, "hook_pk": sub.pk})
    assert r.status_code == 302 and r["Location"] == detail
    assert sub.topics == ["meeting.moved"] and sub.created_by == hook_admin and len(sub.secret) > 30
    assert JournalEntry.objects.filter(action="events.webhook_created").exists()
    page = client.get(detail).content.decode()
    assert sub.secret in page and "X-Civitas-Signature" in page

    def action(name, **data):
        url = reverse(
            "events:bo_webhook_action", kwargs={"pk": event.pk, "hook_pk": sub.pk, "action": name}
        )
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    assert action("ping").status_code == 302
    [(_p, headers, body)] = receiver.received
    assert json.loads(body)["topic"] == "ping"
    assert webhooks.verify(sub.secret, headers["X-Civitas-Signature"], body)
    assert "ping" in client.get(detail).content.decode()  # the log shows it
    old = sub.secret
    action("rotate")
    sub.refresh_from_db()
    assert sub.secret != old
    failed = WebhookDelivery.objects.create(
        subscription=sub, topic="meeting.moved", payload={}, state="failed", attempts=8
    )
    action("retry", delivery=failed.pk)
    failed.refresh_from_db()
    assert failed.state == "delivered"
    assert action("nope").status_code == 404
    action("delete")
    assert not WebhookSubscription.objects.exists()
    assert JournalEntry.objects.filter(action="events.webhook_deleted").exists()


def test_back_office_scope(client, event, hook_admin, users):
    other = make_event("autre-salon")
    sub = subscribe(other, "https://crm.example/h", ["meeting.moved"])
    client.force_login(hook_admin)
    assert client.get(reverse("events:bo_webhooks", kwargs={"pk": event.pk})).status_code == 200
    # Another event's screens: refused; its subscription through this event: 404.
    assert client.get(reverse("events:bo_webhooks", kwargs={"pk": other.pk})).status_code == 403
    url = reverse("events:bo_webhook", kwargs={"pk": event.pk, "hook_pk": sub.pk})
    assert client.get(url).status_code == 404
    url = reverse(
        "events:bo_webhook_action", kwargs={"pk": other.pk, "hook_pk": sub.pk, "action": "delete"}
    )
    assert client.post(url).status_code == 403
    assert WebhookSubscription.objects.filter(pk=sub.pk).exists()
    # A participant never gets in.
    client.force_login(users["participant"])
    assert client.get(reverse("events:bo_webhooks", kwargs={"pk": event.pk})).status_code == 403


# --- Purge of finished deliveries ---------------------------------------------------------


def test_purge_deletes_only_old_finished_deliveries(event, settings):
    from civitas.core.periodic import jobs

    sub = subscribe(event, "https://crm.example/h", ["meeting.moved"])
    now = timezone.now()
    old, recent = now - dt.timedelta(days=100), now - dt.timedelta(days=10)

    def make(state, created, **fields):
        d = WebhookDelivery.objects.create(subscription=sub, topic="ping", payload={}, state=state)
        WebhookDelivery.objects.filter(pk=d.pk).update(created_at=created, **fields)
        return d.pk

    old_delivered = make("delivered", old, delivered_at=old)
    late_delivered = make("delivered", old, delivered_at=recent)  # finished recently
    old_failed = make("failed", old, log=[{"at": old.isoformat(), "status": 500}])
    failed_no_log = make("failed", old)
    late_failed = make("failed", old, log=[{"at": recent.isoformat(), "status": 500}])
    retrying = make("retrying", old, next_attempt_at=now)
    queued = make("queued", old)
    sending = make("sending", old, claimed_at=old)
    assert webhooks.purge_finished(now=now) == 3
    left = set(WebhookDelivery.objects.values_list("pk", flat=True))
    assert left == {late_delivered, late_failed, retrying, queued, sending}
    assert not {old_delivered, old_failed, failed_no_log} & left
    # The setting shortens the retention; still never the unfinished ones.
    settings.CIVITAS_WEBHOOK_DELIVERY_KEEP_DAYS = 5
    assert webhooks.purge_finished(now=now) == 2
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {retrying, queued, sending}
    assert webhooks.purge_finished(now=now) == 0
    job = {j.name: j for j in jobs()}["events.purge_webhook_deliveries"]
    assert job.every == dt.timedelta(days=1)


# --- Internal addresses (issue 31, item 4) --------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[fd00::5]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://localhost:8000/hook",
    ],
)
def test_internal_targets_are_refused_when_saved(client, event, hook_admin, settings, url):
    settings.CIVITAS_WEBHOOK_ALLOW_HTTP = True
    settings.CIVITAS_WEBHOOK_ALLOWED_NETWORKS = []
    client.force_login(hook_admin)
    new = reverse("events:bo_webhook_new", kwargs={"pk": event.pk})
    r = client.post(new, {"name": "CRM", "url": url, "topics": ["meeting.moved"]})
    assert r.status_code == 200
    assert "internal address" in r.content.decode() or "adresse interne" in r.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_allowlisted_internal_target_can_be_saved(client, event, hook_admin, settings, receiver):
    settings.CIVITAS_WEBHOOK_ALLOW_HTTP = True
    settings.CIVITAS_WEBHOOK_ALLOWED_NETWORKS = "10.0.0.0/8, 127.0.0.0/8"
    client.force_login(hook_admin)
    new = reverse("events:bo_webhook_new", kwargs={"pk": event.pk})
    for url in ("http://10.1.2.3/hook", receiver.url.replace("127.0.0.1", "localhost")):
        r = client.post(new, {"name": "CRM", "url": url, "topics": ["meeting.moved"]})
        assert r.status_code == 302, r.content.decode()[:500]
    assert WebhookSubscription.objects.count() == 2


def test_internal_target_is_refused_at_connection_time(
    event, receiver, settings, django_capture_on_commit_callbacks
):
    """Saved while it was public (or written directly): the name now resolves to loopback;
    the delivery is refused after resolution and given up at once, nothing is sent."""
    settings.CIVITAS_WEBHOOK_ALLOWED_NETWORKS = []
    url = receiver.url.replace("127.0.0.1", "localhost")
    sub = subscribe(event, url, ["company.validated"])
    company = make_company(event, "Acme", validated=False)
    with django_capture_on_commit_callbacks(execute=True):
        registration.validate_registration(company)
    delivery = WebhookDelivery.objects.get(subscription=sub)
    assert receiver.received == []
    assert delivery.state == "failed" and delivery.attempts == 1
    assert "internal address" in delivery.last_error and "127.0.0.1" in delivery.last_error
    assert delivery.log[-1]["status"] is None


def test_literal_metadata_address_is_refused_at_connection_time(event, settings):
    settings.CIVITAS_WEBHOOK_ALLOWED_NETWORKS = []
    sub = subscribe(event, "http://169.254.169.254/latest/", ["company.validated"])
    d = WebhookDelivery.objects.create(subscription=sub, topic="ping", payload={})
    assert webhooks.deliver([d.pk]) == {"delivered": 0, "retrying": 0, "failed": 1}
    d.refresh_from_db()
    assert d.state == "failed" and "169.254.169.254" in d.last_error


def test_allowlisted_name_resolving_to_loopback_is_delivered(
    event, receiver, settings, django_capture_on_commit_callbacks
):
    settings.CIVITAS_WEBHOOK_ALLOWED_NETWORKS = "127.0.0.0/8"
    sub = subscribe(event, receiver.url.replace("127.0.0.1", "localhost"), ["company.validated"])
    company = make_company(event, "Acme", validated=False)
    with django_capture_on_commit_callbacks(execute=True):
        registration.validate_registration(company)
    [(path, headers, body)] = receiver.received
    assert headers["Host"].startswith("localhost:")  # connected to the checked IP, Host kept
    assert webhooks.verify(sub.secret, headers["X-Civitas-Signature"], body)
    assert WebhookDelivery.objects.get().state == "delivered"


@pytest.mark.parametrize(
    "address,internal",
    [
        ("127.0.0.1", True),
        ("10.0.0.1", True),
        ("172.16.5.4", True),
        ("192.168.1.1", True),
        ("100.64.0.1", True),
        ("169.254.169.254", True),
        ("0.0.0.0", True),  # noqa: S104
        ("224.0.0.1", True),
        ("::1", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("fd12:3456::1", True),
        ("::ffff:10.0.0.1", True),
        ("::ffff:169.254.169.254", True),
        ("64:ff9b::a9fe:a9fe", True),
        ("2002:7f00:1::1", True),
        ("8.8.8.8", False),
        ("2001:4860:4860::8888", False),
    ],
)
def test_internal_address_classification(address, internal):
    from civitas.core.outbox import safe_http

    assert safe_http.is_internal(address) is internal
    assert safe_http.is_allowed(address, allowed=()) is not internal


def test_allowlist_from_the_environment(settings, monkeypatch):
    import ipaddress

    from civitas.core.outbox import safe_http

    del settings.CIVITAS_WEBHOOK_ALLOWED_NETWORKS
    monkeypatch.setenv("CIVITAS_WEBHOOK_ALLOWED_NETWORKS", "10.20.0.0/16,fd00:1::/64")
    nets = safe_http.allowed_networks()
    assert nets == (ipaddress.ip_network("10.20.0.0/16"), ipaddress.ip_network("fd00:1::/64"))
    assert safe_http.is_allowed("10.20.3.4") and not safe_http.is_allowed("10.21.0.1")
    assert safe_http.is_allowed("::ffff:10.20.3.4")
