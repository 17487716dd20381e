"""Webhooks: tell an external system (the CRM) what happens in an event.

`emit()` is called by the services inside their transaction: it writes one
`WebhookDelivery` row per matching subscription, and after the commit enqueues the
`deliver_webhooks` task (django-tasks). Nothing is sent for a change that rolled back.

A delivery POSTs the JSON payload with these headers:

- `X-Civitas-Topic`: e.g. `meeting.cancelled`;
- `X-Civitas-Delivery`: the delivery id (the same on every retry: an idempotency key);
- `X-Civitas-Signature`: `t=<unix time>,v1=<hex>` where hex is
  HMAC-SHA256(secret, "<t>.<body>"); the receiver recomputes it and rejects a signature
  older than a few minutes (replay).

Claiming, retries and purge are the core delivery engine's (`civitas.core.delivery`,
`HookQueue` below): sending first *claims* the row, so two workers never send the same
delivery. A 2xx answer marks it delivered; anything else (error status, timeout, refused
connection, redirect) schedules a new attempt with an exponential back-off (1 min, 2, 4...
capped at 6 h) until `max_attempts`, then it is failed. An address that resolves to an
internal network (loopback, private, link-local, metadata...) is refused at connection time,
after DNS resolution (`civitas.core.outbox.safe_http`), and the delivery fails at once;
CIVITAS_WEBHOOK_ALLOWED_NETWORKS lists the internal networks allowed (on-premises CRM).
Retries are enqueued with `run_after` when the task backend supports it, and the periodic
job `events.webhooks_due` enqueues whatever is due (and recovers deliveries interrupted by a
stopped worker), so nothing is lost if the queue loses a task.

Payloads hold ids, states and times, never personal data: the CRM reads the details
through the API.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal
from civitas.core.delivery import DeliveryError, DeliveryQueue
from civitas.core.outbox import safe_http

from ..models import Company, Event, Meeting, WebhookDelivery, WebhookSubscription

State = WebhookDelivery.State
Topic = WebhookSubscription.Topic
SIGNATURE_HEADER = "X-Civitas-Signature"
BATCH = 50


# --- Settings -------------------------------------------------------------------------


def _setting(name, default):
    return getattr(settings, name, default)


def timeout() -> float:
    return float(_setting("CIVITAS_WEBHOOK_TIMEOUT", 10))


def max_attempts() -> int:
    return int(_setting("CIVITAS_WEBHOOK_MAX_ATTEMPTS", 8))


def retry_base() -> int:
    return int(_setting("CIVITAS_WEBHOOK_RETRY_BASE", 60))


def retry_max() -> int:
    return int(_setting("CIVITAS_WEBHOOK_RETRY_MAX", 6 * 3600))


def allow_http() -> bool:
    return bool(_setting("CIVITAS_WEBHOOK_ALLOW_HTTP", settings.DEBUG))


def keep_days() -> int:
    return int(_setting("CIVITAS_WEBHOOK_DELIVERY_KEEP_DAYS", 90))


class HookQueue(DeliveryQueue):
    """Webhook deliveries on the core delivery engine (civitas.core.delivery)."""

    model = WebhookDelivery
    done_state = State.DELIVERED
    done_at_field = "delivered_at"
    claim_related = ("subscription",)
    due_order = ("created_at", "pk")

    def max_attempts(self) -> int:
        return max_attempts()

    def retry_base(self) -> int:
        return retry_base()

    def retry_max(self) -> int:
        return retry_max()

    def stale_after(self) -> timedelta:
        return timedelta(minutes=10)

    def keep_days(self) -> int:
        return keep_days()

    def enqueue(self, ids) -> None:
        enqueue(ids)

    def retry_scheduled(self, row, next_attempt_at) -> None:
        enqueue([row.pk], run_after=next_attempt_at)

    def finished_at(self, row):
        """delivered_at, else its last attempt, else creation."""
        if row.delivered_at:
            return row.delivered_at
        for attempt in reversed(row.log or []):
            try:
                return datetime.fromisoformat(attempt["at"])
            except (KeyError, TypeError, ValueError):
                continue
        return row.created_at


QUEUE = HookQueue()


def backoff(attempts: int) -> timedelta:
    return QUEUE.backoff(attempts)


# --- Payloads -------------------------------------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def company_data(company: Company) -> dict:
    return {
        "id": company.pk,
        "status": company.status,
        "validated_at": _iso(company.validated_at),
        "updated_at": _iso(company.updated_at),
    }


def meeting_data(meeting: Meeting, previous: Meeting | None = None) -> dict:
    req = meeting.request
    data = {
        "id": meeting.pk,
        "request": req.pk,
        "state": meeting.state,
        "published": meeting.published,
        "start": _iso(meeting.slot.start),
        "end": _iso(meeting.slot.end),
        "site": meeting.room.site.name,
        "room": meeting.room.name,
        "table": meeting.table_number,
        "requester": {"contact": req.sender_id, "company": req.sender.company_id},
        "recipient": {"contact": req.recipient_id, "company": req.recipient.company_id},
        "updated_at": _iso(meeting.updated_at),
    }
    if previous is not None:
        data["previous"] = {
            "id": previous.pk,
            "start": _iso(previous.slot.start),
            "end": _iso(previous.slot.end),
            "site": previous.room.site.name,
            "room": previous.room.name,
            "table": previous.table_number,
        }
    return data


def envelope(event: Event, topic: str, data: dict) -> dict:
    return {
        "id": uuid.uuid4().hex,
        "topic": topic,
        "created_at": timezone.now().isoformat(),
        "event": {"id": event.pk, "slug": event.slug},
        "data": data,
    }


# --- Emitting -------------------------------------------------------------------------


def subscriptions_for(event: Event, topic: str) -> list[WebhookSubscription]:
    return [
        s for s in WebhookSubscription.objects.filter(event=event, is_active=True) if s.wants(topic)
    ]


def emit(event: Event, topic: str, items: list[dict]) -> list[int]:
    """Queue one delivery per (subscription wanting `topic`, item); sent after commit."""
    if not items:
        return []
    subs = subscriptions_for(event, topic)
    if not subs:
        return []
    rows = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(subscription=s, topic=topic, payload=envelope(event, topic, data))
        for s in subs
        for data in items
    )
    ids = [r.pk for r in rows]
    transaction.on_commit(lambda: enqueue(ids), robust=True)
    return ids


def company_changed(company: Company, topic: str, *, source="site") -> None:
    """source: "site" (registration form, back office) or "api" (written by the CRM)."""
    emit(company.event, topic, [{**company_data(company), "source": source}])


def _full(meetings):
    return Meeting.objects.filter(pk__in=[m.pk for m in meetings]).select_related(
        "slot", "room__site", "request__sender", "request__recipient"
    )


def meetings_scheduled(event: Event, meetings) -> None:
    if subscriptions_for(event, Topic.MEETING_SCHEDULED):
        emit(event, Topic.MEETING_SCHEDULED, [meeting_data(m) for m in _full(meetings)])


def meeting_cancelled(meeting: Meeting) -> None:
    [meeting] = _full([meeting])
    emit(meeting.event, Topic.MEETING_CANCELLED, [meeting_data(meeting)])


def meeting_moved(meeting: Meeting, previous: Meeting) -> None:
    """``previous``: the former meeting, or an unsaved copy holding the former slot, room
    and table when the meeting was moved in place (back-office move)."""
    [meeting] = _full([meeting])
    emit(meeting.event, Topic.MEETING_MOVED, [meeting_data(meeting, previous)])


def ping(subscription: WebhookSubscription, *, request=None) -> WebhookDelivery:
    """A test message to check the receiver (sent at once through the queue)."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            topic=Topic.PING,
            payload=envelope(subscription.event, Topic.PING, {"subscription": subscription.pk}),
        )
        journal.record("events.webhook_pinged", request=request, obj=subscription)
        transaction.on_commit(lambda: enqueue([delivery.pk]), robust=True)
    return delivery


# --- Queue ------------------------------------------------------------------------------


def enqueue(ids, run_after=None) -> None:
    from ..tasks import deliver_webhooks

    ids = list(ids)
    task = deliver_webhooks
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the periodic job will pick them up when due
        task = task.using(run_after=run_after)
    for start in range(0, len(ids), BATCH):
        task.enqueue(ids[start : start + BATCH])


def due(now=None, limit=5000) -> str:
    """Periodic job: recover interrupted sends, then enqueue every delivery whose time has
    come."""
    count, stale = QUEUE.run_due(now, limit)
    return f"{count} webhook deliveries due, {stale} interrupted"


# --- Sending -----------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, tolerance=300, now=None) -> bool:
    """What a receiver does (documented for CRM developers; used by the tests)."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


def _post(delivery: WebhookDelivery) -> dict:
    """POST one delivery to its subscription's address (through the guarded connection:
    internal addresses are refused after DNS resolution). Returns the fields to store;
    raises DeliveryError (with those fields) when the answer is not a 2xx."""
    sub = delivery.subscription
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Civitas-Webhooks/1",
        "X-Civitas-Topic": delivery.topic,
        "X-Civitas-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: sign(sub.secret, int(time.time()), body),
    }
    started = time.monotonic()
    status, text, error, permanent = None, "", "", False
    try:
        response = safe_http.post(
            sub.url,
            data=body,
            headers=headers,
            timeout=timeout(),
            allowed=safe_http.allowed_networks(),
        )
    except safe_http.InternalAddressError as exc:
        error, permanent = str(exc)[:2000], True
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
    else:
        status, text = response.status_code, response.text[:2000]
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    ms = int((time.monotonic() - started) * 1000)
    done = timezone.now()
    log = [*delivery.log, {"at": done.isoformat(), "status": status, "error": error, "ms": ms}]
    fields = {
        "response_status": status,
        "response_body": text,
        "duration_ms": ms,
        "log": log[-20:],
    }
    if error:
        raise DeliveryError(error, permanent=permanent, fields=fields)
    return {**fields, "last_error": ""}


def deliver(ids) -> dict:
    """Send these deliveries if still due and claimable; returns counts."""
    counts = QUEUE.deliver(list(ids), _post)
    return {"delivered": counts["done"], "retrying": counts["retrying"], "failed": counts["failed"]}


def retry_now(delivery: WebhookDelivery, *, request=None) -> WebhookDelivery:
    """An administrator sends a failed or waiting delivery again, now."""
    with transaction.atomic():
        QUEUE.requeue(delivery)
        journal.record(
            "events.webhook_retried",
            request=request,
            obj=delivery.subscription,
            details={"delivery": delivery.pk},
        )
        transaction.on_commit(lambda: enqueue([delivery.pk]), robust=True)
    delivery.refresh_from_db()
    return delivery


# --- Subscriptions (back office) -----------------------------------------------------------


def target_problem(url: str) -> str:
    """Why `url` cannot receive notifications ("" when it can): https only (http in
    development), never an internal address unless its network is allowed."""
    scheme = urlsplit(url).scheme
    if scheme != "https" and not (scheme == "http" and allow_http()):
        return _("Use an https:// address: notifications carry data about participants.")
    try:
        safe_http.check_url(url)
    except ValueError as exc:
        return str(exc)
    return ""


@transaction.atomic
def save_subscription(sub: WebhookSubscription, *, changed=(), request=None):
    created = sub.pk is None
    if created and request is not None and request.user.is_authenticated:
        sub.created_by = request.user
    sub.save()
    journal.record(
        "events.webhook_created" if created else "events.webhook_changed",
        request=request,
        obj=sub,
        details={"fields": list(changed), "topics": sub.topics, "active": sub.is_active},
    )
    return sub


@transaction.atomic
def rotate_secret(sub: WebhookSubscription, *, request=None) -> WebhookSubscription:
    from ..models.sync import new_secret

    sub.secret = new_secret()
    sub.save(update_fields=["secret", "updated_at"])
    journal.record("events.webhook_secret_rotated", request=request, obj=sub)
    return sub


@transaction.atomic
def delete_subscription(sub: WebhookSubscription, *, request=None) -> None:
    journal.record("events.webhook_deleted", request=request, obj=sub, details={"url": sub.url})
    sub.delete()


# --- Purge ----------------------------------------------------------------------------


def purge_finished(now=None) -> int:
    """Delete deliveries delivered or given up (failed) more than keep_days() days ago.
    Queued, sending and retrying deliveries are never deleted. Returns the count."""
    return QUEUE.purge(now)
