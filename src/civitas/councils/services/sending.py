"""Sending a sitting's documents: personal expiring links by mail (and optional SMS)
through core's outbox, paper recipients recorded by hand, and the trace of each recipient
(opening, downloads, acknowledgement, reminders)."""

from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from civitas.core import journal
from civitas.core.outbox import services as outbox
from civitas.core.sites import absolute_url

from .. import conf
from ..models import Delivery, Document, Download, Official, Sending
from . import ServiceError, delays, perimeter
from .documents import count_traffic

SALT = "civitas.councils.link"


# --- Personal links -------------------------------------------------------------------------


def make_token(delivery) -> str:
    return signing.dumps({"d": delivery.pk, "k": delivery.key.hex}, salt=SALT, compress=True)


class LinkError(Exception):
    def __init__(self, expired):
        self.expired = expired


def read_token(token: str) -> Delivery:
    """The delivery a personal link names; LinkError(expired=...) when it is tampered with,
    unknown or older than CIVITAS_COUNCILS_LINK_DAYS."""
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(days=conf.link_days()))
    except signing.SignatureExpired as exc:
        raise LinkError(expired=True) from exc
    except signing.BadSignature as exc:
        raise LinkError(expired=False) from exc
    delivery = (
        Delivery.objects.select_related("official", "sending__sitting__epci")
        .filter(pk=data.get("d"))
        .first()
    )
    if delivery is None or delivery.key.hex != data.get("k"):
        raise LinkError(expired=False)
    return delivery


def link_url(delivery) -> str:
    return absolute_url("councils:my_sittings", token=make_token(delivery))


# --- Sending --------------------------------------------------------------------------------


def documents_for(sitting, phase):
    kinds = Document.BEFORE if phase == Sending.Phase.BEFORE else Document.AFTER
    return list(sitting.documents.filter(kind__in=kinds))


def _context(delivery, url):
    sitting = delivery.sending.sitting
    when = timezone.localtime(sitting.date)
    return {
        "name": str(delivery.official),
        "sitting": sitting.title,
        "date": formats.date_format(when, "d/m/Y H:i"),
        "place": sitting.place,
        "link": url,
        "expires": formats.date_format(
            timezone.localtime(delivery.sending.sent_at + timedelta(days=conf.link_days())),
            "d/m/Y",
        ),
        "epci": sitting.epci.name,
    }


def send(sitting, phase, *, user=None, late_reason="", sms=False, request=None, now=None):
    """Send the documents of `phase` to the sitting's recipient list. Before the sitting,
    a sending later than the legal delay needs a reason (ServiceError otherwise)."""
    now = now or timezone.now()
    if sitting.recipient_list_id is None:
        raise ServiceError(_("Choose the recipients of the sitting first."))
    docs = documents_for(sitting, phase)
    if phase == Sending.Phase.BEFORE:
        if not any(d.kind == Document.Kind.CONVOCATION for d in docs):
            raise ServiceError(_("Add the convocation before sending."))
        check = delays.check(sitting, now)
    else:
        if not docs:
            raise ServiceError(_("Add the list of decisions or the minutes before sending."))
        check = None
    late_reason = (late_reason or "").strip()
    if check and check.late and not late_reason:
        raise ServiceError(
            _(
                "This sending leaves %(days)s full day(s) before the sitting; the law asks for "
                "%(required)s. Give the reason for the late sending."
            )
            % {"days": check.full_days, "required": check.required}
        )
    officials = list(
        perimeter.list_members(sitting.recipient_list).select_related("commune").order_by("pk")
    )
    if not officials:
        raise ServiceError(_("The recipient list is empty."))
    with transaction.atomic():
        sending = Sending.objects.create(
            sitting=sitting,
            phase=phase,
            sent_at=now,
            sent_by=user if getattr(user, "is_authenticated", False) else None,
            full_days=check.full_days if check else None,
            required_days=check.required if check else None,
            late_reason=late_reason if (check and check.late) else "",
        )
        sending.documents.set(docs)
        deliveries = Delivery.objects.bulk_create(
            Delivery(
                sending=sending,
                official=o,
                channel=o.channel,
                channel_chosen_at=o.channel_chosen_at,
                email=o.email,
            )
            for o in officials
        )
        if not all(d.pk for d in deliveries):  # backends without RETURNING
            deliveries = list(sending.deliveries.select_related("official"))
        for delivery in deliveries:
            delivery.sending = sending
            if delivery.channel != Official.Channel.ELECTRONIC:
                continue
            messages = outbox.send_message(
                "councils.documents_sent",
                email=delivery.email,
                phone=delivery.official.mobile if sms else None,
                context=_context(delivery, link_url(delivery)),
                scope_type="unit",
                scope_id=sitting.epci.unit_id,
            )
            delivery.message_id = messages[0].pk if messages else None
            delivery.sms_message_id = messages[1].pk if len(messages) > 1 else None
            delivery.queued_at = timezone.now()
        Delivery.objects.bulk_update(deliveries, ["message_id", "sms_message_id", "queued_at"])
        journal.record(
            "councils.sent",
            request=request,
            obj=sending,
            details={
                "phase": phase,
                "documents": {d.pk: d.sha256 for d in docs},
                "recipients": len(deliveries),
                "paper": sum(1 for d in deliveries if d.channel == Official.Channel.PAPER),
                "full_days": sending.full_days,
                "required_days": sending.required_days,
                "late_reason": sending.late_reason,
            },
        )
    return sending


def record_paper(delivery, *, at=None, user=None, request=None):
    if delivery.channel != Official.Channel.PAPER:
        raise ServiceError(_("This recipient chose the electronic channel."))
    at = at or timezone.now()
    if at > timezone.now() + timedelta(minutes=5):
        raise ServiceError(_("The paper sending cannot be in the future."))
    delivery.paper_sent_at = at
    delivery.paper_recorded_by = user if getattr(user, "is_authenticated", False) else None
    delivery.save(update_fields=["paper_sent_at", "paper_recorded_by"])
    journal.record(
        "councils.paper_sent",
        request=request,
        obj=delivery,
        scope=delivery.sending,
        details={"at": at.isoformat()},
    )
    return delivery


# --- What the official does -----------------------------------------------------------------


def mark_opened(delivery, now=None):
    """First opening: kept once, never moved (a conditional UPDATE, safe with two tabs)."""
    now = now or timezone.now()
    Delivery.objects.filter(pk=delivery.pk, first_opened_at__isnull=True).update(
        first_opened_at=now
    )
    delivery.refresh_from_db(fields=["first_opened_at"])


def record_download(delivery, document, *, ip=None):
    if not delivery.sending.documents.filter(pk=document.pk).exists():
        raise ServiceError(_("This document was not sent to you."))
    mark_opened(delivery)
    Download.objects.create(delivery=delivery, document=document, ip=ip)
    count_traffic(delivery.sending.sitting.epci, document.size)


def acknowledge(delivery, now=None):
    now = now or timezone.now()
    mark_opened(delivery, now)
    Delivery.objects.filter(pk=delivery.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now
    )
    delivery.refresh_from_db(fields=["acknowledged_at"])
    return delivery


def official_deliveries(delivery):
    """Every delivery of the same official (Mes séances), newest sitting first."""
    return (
        Delivery.objects.filter(official=delivery.official_id)
        .select_related("sending__sitting")
        .prefetch_related("sending__documents")
        .order_by("-sending__sitting__date", "sending__phase")
    )


# --- Outbox times ---------------------------------------------------------------------------


def smtp_times(deliveries) -> dict:
    """{outbox message id: (state, time the SMTP server accepted it)} in one query."""
    from civitas.core.outbox.models import Message

    ids = [d.message_id for d in deliveries if d.message_id]
    return {
        m["pk"]: (m["state"], m["sent_at"])
        for m in Message.objects.filter(pk__in=ids).values("pk", "state", "sent_at")
    }


# --- Reminders ------------------------------------------------------------------------------


def send_due_reminders(now=None) -> int:
    """Remind officials who have not opened their documents, `reminder_hours` before the
    sitting (once per delivery)."""
    now = now or timezone.now()
    count = 0
    due = Delivery.objects.filter(
        channel=Official.Channel.ELECTRONIC,
        first_opened_at__isnull=True,
        reminded_at__isnull=True,
        sending__phase=Sending.Phase.BEFORE,
        sending__sitting__reminder_hours__isnull=False,
        sending__sitting__date__gt=now,
    ).select_related("official", "sending__sitting__epci")
    for delivery in due:
        sitting = delivery.sending.sitting
        if now < sitting.date - timedelta(hours=sitting.reminder_hours):
            continue
        updated = Delivery.objects.filter(pk=delivery.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not updated:
            continue
        outbox.send_message(
            "councils.reminder",
            email=delivery.email,
            context=_context(delivery, link_url(delivery)),
            scope_type="unit",
            scope_id=sitting.epci.unit_id,
        )
        count += 1
    return count
