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

Sending first *claims* the row with a conditional UPDATE (queued|retrying -> sending), so
two workers never send the same delivery. A 2xx answer marks it delivered; anything else
(error status, timeout, refused connection, redirect) schedules a new attempt with an
exponential back-off (1 min, 2, 4... capped at 6 h) until `max_attempts`, then it is
failed. Retries are enqueued with `run_after` when the task backend supports it, and the
periodic job `events.webhooks_due` enqueues whatever is due (and recovers deliveries
interrupted by a stopped worker), so nothing is lost if the queue loses a task.

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

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from civitas.core import journal

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


def backoff(attempts: int) -> timedelta:
    seconds = retry_base() * (2 ** max(0, attempts - 1))
    return timedelta(seconds=min(seconds, retry_max()))


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
    now = now or timezone.now()
    stale = WebhookDelivery.objects.filter(
        state=State.SENDING, claimed_at__lt=now - timedelta(minutes=10)
    ).update(
        state=State.RETRYING,
        next_attempt_at=now,
        claimed_at=None,
        last_error="Interrupted while sending (worker stopped?)",
    )
    ids = list(
        WebhookDelivery.objects.filter(state__in=WebhookDelivery.CLAIMABLE)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    enqueue(ids)
    return f"{len(ids)} webhook deliveries due, {stale} interrupted"


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


def _claim(ids, now) -> list[WebhookDelivery]:
    token = uuid.uuid4().hex
    WebhookDelivery.objects.filter(pk__in=ids, state__in=WebhookDelivery.CLAIMABLE).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ).update(state=State.SENDING, claimed_at=now, claim_token=token)
    won = {
        d.pk: d
        for d in WebhookDelivery.objects.filter(
            claim_token=token, state=State.SENDING
        ).select_related("subscription")
    }
    return [won[pk] for pk in ids if pk in won]


def _post(delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """(status, start of the answer, error text); error text empty on success."""
    sub = delivery.subscription
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Civitas-Webhooks/1",
        "X-Civitas-Topic": delivery.topic,
        "X-Civitas-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: sign(sub.secret, int(time.time()), body),
    }
    try:
        response = requests.post(
            sub.url, data=body, headers=headers, timeout=timeout(), allow_redirects=False
        )
    except requests.RequestException as exc:
        return None, "", f"{type(exc).__name__}: {exc}"[:2000]
    text = response.text[:2000]
    if 200 <= response.status_code < 300:
        return response.status_code, text, ""
    return response.status_code, text, f"HTTP {response.status_code}"


def deliver(ids) -> dict:
    """Send these deliveries if still due and claimable; returns counts."""
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    now = timezone.now()
    for delivery in _claim(list(ids), now):
        started = time.monotonic()
        status, text, error = _post(delivery)
        ms = int((time.monotonic() - started) * 1000)
        attempts = delivery.attempts + 1
        done = timezone.now()
        log = [*delivery.log, {"at": done.isoformat(), "status": status, "error": error, "ms": ms}]
        fields = {
            "attempts": attempts,
            "response_status": status,
            "response_body": text,
            "duration_ms": ms,
            "claimed_at": None,
            "log": log[-20:],
        }
        if not error:
            fields.update(state=State.DELIVERED, delivered_at=done, next_attempt_at=None)
            fields["last_error"] = ""
            counts["delivered"] += 1
        elif attempts >= max_attempts():
            fields.update(state=State.FAILED, last_error=error, next_attempt_at=None)
            counts["failed"] += 1
        else:
            next_at = done + backoff(attempts)
            fields.update(state=State.RETRYING, last_error=error, next_attempt_at=next_at)
            counts["retrying"] += 1
        WebhookDelivery.objects.filter(pk=delivery.pk, state=State.SENDING).update(**fields)
        if fields["state"] == State.RETRYING:
            enqueue([delivery.pk], run_after=fields["next_attempt_at"])
    return counts


def retry_now(delivery: WebhookDelivery, *, request=None) -> WebhookDelivery:
    """An administrator sends a failed or waiting delivery again, now."""
    with transaction.atomic():
        WebhookDelivery.objects.filter(
            pk=delivery.pk, state__in=[State.FAILED, State.RETRYING]
        ).update(state=State.RETRYING, next_attempt_at=timezone.now())
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


def _finished_at(delivery: WebhookDelivery):
    """When a finished delivery ended: delivered_at, else its last attempt, else creation."""
    if delivery.delivered_at:
        return delivery.delivered_at
    for attempt in reversed(delivery.log or []):
        try:
            return datetime.fromisoformat(attempt["at"])
        except (KeyError, TypeError, ValueError):
            continue
    return delivery.created_at


def purge_finished(now=None) -> int:
    """Delete deliveries delivered or given up (failed) more than keep_days() days ago.
    Queued, sending and retrying deliveries are never deleted. Returns the count."""
    cutoff = (now or timezone.now()) - timedelta(days=keep_days())
    finished = (State.DELIVERED, State.FAILED)
    # A delivery finishes after it was created: older creation is a necessary condition.
    candidates = WebhookDelivery.objects.filter(state__in=finished, created_at__lt=cutoff).only(
        "pk", "delivered_at", "log", "created_at"
    )
    ids = [d.pk for d in candidates.iterator() if _finished_at(d) < cutoff]
    deleted = 0
    for start in range(0, len(ids), 1000):
        deleted += (
            WebhookDelivery.objects.filter(pk__in=ids[start : start + 1000], state__in=finished)
            .delete()[1]
            .get(WebhookDelivery._meta.label, 0)
        )
    return deleted
