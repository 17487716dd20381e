"""Outbox services: the only code that creates, claims and updates messages.

Life of a message: queue_* writes a row in state "queued" and, when the transaction
commits, enqueues a background task that sends it. Claiming, retries, dead letter and
purge are the core delivery engine's (civitas.core.delivery, `QUEUE` below): sending first
*claims* the row (queued|retrying -> sending, row locks skipped on PostgreSQL, then a
conditional UPDATE): only one worker can win, so two workers never send the same message.
A failure puts it in "retrying" with an exponential back-off (or "failed" after
CIVITAS_OUTBOX_MAX_ATTEMPTS, or at once for a permanent refusal); the periodic job
"outbox.retry_due" sends whatever is due, so delivery resumes after an outage even if the
task queue lost its tasks.

Messages: `send_message` (a registered message: mail, plus SMS when it has one),
`queue_templated`, `queue_email`, `queue_sms`. Mailings: `create_mailing`.
"""

from __future__ import annotations

import logging
import re
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core.delivery import DeliveryQueue, error_text

from . import conf, recipients, templates
from .models import Attachment, Mailing, Message, MessageTemplate, OptOut

logger = logging.getLogger(__name__)

State = Message.State
UNSUBSCRIBE_SALT = "civitas.outbox.unsubscribe"
PENDING_STATES = (State.QUEUED, State.RETRYING, State.SENDING)
_PHONE = re.compile(r"^\+?[0-9]{6,15}$")


# --- Queuing ------------------------------------------------------------------------------


def _related(related) -> tuple[str, str]:
    if related is None:
        return "", ""
    return f"{related._meta.app_label}.{related._meta.model_name}", str(related.pk)


def _admin_addresses() -> list[str]:
    addresses = conf.admin_cc()
    if addresses:
        return addresses
    from civitas.core.models import Role, User

    return list(
        User.objects.filter(is_active=True, role_assignments__role__code=Role.PRINCIPAL_ADMIN)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def _default_language() -> str:
    return (settings.LANGUAGE_CODE or "fr")[:2]


def queue_email(
    to,
    subject,
    body_text,
    body_html="",
    *,
    cc_admins=False,
    essential=True,
    category="",
    template_code="",
    language="fr",
    related=None,
    attachments=None,
) -> Message:
    """Record an e-mail (state queued) and send it in the background after commit.

    `to` is an address (or a user: its e-mail is used). A non-essential message to someone
    who opted out of `category` is kept in state "skipped" and not sent; non-essential
    messages carry an unsubscribe link. `attachments` is a list of
    (file name, bytes, content type), stored with the message and sent with it; ValueError
    if they exceed CIVITAS_OUTBOX_MAX_ATTACHMENTS_BYTES.
    """
    files = _clean_attachments(attachments)
    address = (getattr(to, "email", to) or "").strip()
    related_type, related_id = _related(related)
    msg = Message(
        channel=Message.Channel.EMAIL,
        to=address[:254],
        subject=str(subject)[:255],
        body_text=str(body_text),
        body_html=str(body_html or ""),
        template_code=template_code,
        language=language or _default_language(),
        category=category,
        essential=essential,
        related_type=related_type,
        related_id=related_id,
        next_attempt_at=timezone.now(),
    )
    if cc_admins:
        msg.cc = ", ".join(a for a in _admin_addresses() if a.lower() != address.lower())
    try:
        validate_email(address)
    except ValidationError:
        msg.state = State.FAILED
        msg.last_error = _("Invalid e-mail address: %(address)r") % {"address": address}
        msg.next_attempt_at = None
    if msg.state == State.QUEUED and not essential:
        if is_opted_out(address, category):
            msg.state = State.SKIPPED
            msg.next_attempt_at = None
        else:
            _add_unsubscribe_footer(msg)
    with transaction.atomic():
        msg.save()
        Attachment.objects.bulk_create(
            Attachment(message=msg, filename=n, content=c, content_type=t, size=len(c))
            for n, c, t in files
        )
    if msg.state == State.QUEUED:
        schedule_send(msg.pk)
    return msg


def _clean_attachments(attachments) -> list[tuple[str, bytes, str]]:
    files = []
    for name, content, content_type in attachments or ():
        if isinstance(content, str):
            content = content.encode("utf-8")
        name = re.sub(r"[\r\n\t/\\\x00]", "_", str(name)).strip() or "attachment"
        files.append((name[:200], bytes(content), content_type or "application/octet-stream"))
    total = sum(len(c) for _n, c, _t in files)
    if total > conf.max_attachments_bytes():
        raise ValueError(
            _("Attachments too large: %(size)s bytes (at most %(max)s).")
            % {"size": total, "max": conf.max_attachments_bytes()}
        )
    return files


def queue_sms(to_phone, text, *, essential=True, related=None, category="") -> Message:
    """Record an SMS (state queued) and send it in the background after commit."""
    phone = re.sub(r"[\s.\-()]", "", getattr(to_phone, "phone", to_phone) or "")
    related_type, related_id = _related(related)
    msg = Message(
        channel=Message.Channel.SMS,
        to=phone[:254],
        body_text=str(text),
        essential=essential,
        category=category,
        language=_default_language(),
        related_type=related_type,
        related_id=related_id,
        next_attempt_at=timezone.now(),
    )
    if not _PHONE.match(phone):
        msg.state = State.FAILED
        msg.last_error = _("Invalid phone number: %(phone)r") % {"phone": phone}
        msg.next_attempt_at = None
    elif not essential and is_opted_out(phone, category):
        msg.state = State.SKIPPED
        msg.next_attempt_at = None
    msg.save()
    if msg.state == State.QUEUED:
        schedule_send(msg.pk)
    return msg


def find_template(code, language, *, scope_type="organisation", scope_id=1, channel="email"):
    """The administrator's version for the scope, else the organisation's, else None."""
    scopes = [(scope_type, scope_id)]
    if (scope_type, scope_id) != ("organisation", 1):
        scopes.append(("organisation", 1))
    for st, sid in scopes:
        found = MessageTemplate.objects.filter(
            code=code, scope_type=st, scope_id=sid, language=language, channel=channel
        ).first()
        if found:
            return found
    return None


def common_context() -> dict:
    from civitas.core.models import Organisation

    return {"organisation": Organisation.get().name, "site_url": conf.site_url()}


def render_template(
    template_code,
    context,
    *,
    language,
    scope_type="organisation",
    scope_id=1,
    channel="email",
) -> tuple[str, str]:
    """(subject, body) rendered from the edited template, or the registered default."""
    registered = templates.get(template_code)
    if channel not in registered.channels:
        raise ValueError(f"Template {template_code!r} has no {channel} version")
    ctx = {**common_context(), **(context or {})}
    edited = find_template(
        template_code, language, scope_type=scope_type, scope_id=scope_id, channel=channel
    )
    if edited is not None:
        try:
            return (
                templates.render(edited.subject, ctx).strip(),
                templates.render(edited.body, ctx),
            )
        except Exception:  # an edited template must never lose a message
            logger.exception(
                "edited template %s (%s) failed, using the default", edited.pk, language
            )
    subject, body = registered.default(language, channel)
    return templates.render(subject, ctx).strip(), templates.render(body, ctx)


def queue_templated(
    template_code,
    to,
    context,
    *,
    language=None,
    scope_type="organisation",
    scope_id=1,
    channel="email",
    essential=True,
    cc_admins=False,
    attachments=None,
) -> Message:
    """Render the administrator-edited template (or the registered default) and queue it.

    `attachments` (e-mail only): [(file name, bytes, content type)], see queue_email."""
    language = language or getattr(to, "language", None) or _default_language()
    if language not in templates.LANGUAGES:
        language = _default_language()
    ctx = dict(context or {})
    category = "" if essential else template_code
    if not essential:
        address = getattr(to, "phone" if channel == "sms" else "email", to)
        ctx.setdefault("unsubscribe_url", unsubscribe_url(address, category))
    subject, body = render_template(
        template_code,
        ctx,
        language=language,
        scope_type=scope_type,
        scope_id=scope_id,
        channel=channel,
    )
    if channel == "sms":
        return queue_sms(to, body, essential=essential, category=category)
    return queue_email(
        to,
        subject,
        body,
        cc_admins=cc_admins,
        essential=essential,
        category=category,
        template_code=template_code,
        language=language,
        attachments=attachments,
    )


def send_message(
    template_code,
    *,
    email=None,
    phone=None,
    context=None,
    language=None,
    scope_type="organisation",
    scope_id=1,
    essential=True,
    cc_admins=False,
    admin_context=None,
    attachments=None,
) -> list[Message]:
    """Send one registered message: the e-mail to `email` (an address or a user; None: no
    e-mail) and, when
    the message was registered with an SMS and `phone` is given, the SMS through the SMS
    provider. Returns the queued messages (e-mail first).

    `cc_admins` copies the e-mail to the administrators. When the recipient's message holds
    something only they may read (a link to choose their password...), `admin_context` gives
    the values that replace it: the administrators then get their own message, rendered with
    `context` updated by `admin_context`, instead of a copy."""
    registered = templates.get(template_code)
    options = {
        "language": language,
        "scope_type": scope_type,
        "scope_id": scope_id,
        "essential": essential,
    }
    sent = []
    if email is not None:
        sent.append(
            queue_templated(
                template_code,
                email,
                context,
                cc_admins=cc_admins and admin_context is None,
                attachments=attachments,
                **options,
            )
        )
        if cc_admins and admin_context is not None:
            sent.extend(
                _admin_copy(
                    template_code, email, {**(context or {}), **admin_context}, attachments, options
                )
            )
    if phone and registered.has_sms:
        sent.append(queue_templated(template_code, phone, context, channel="sms", **options))
    return sent


def _admin_copy(template_code, recipient, context, attachments, options) -> list[Message]:
    """The administrators' own message (to the first, the others in copy), never to the
    recipient of the original."""
    recipient = str(getattr(recipient, "email", recipient)).lower()
    addresses = [a for a in _admin_addresses() if a.lower() != recipient]
    if not addresses:
        return []
    return [
        queue_templated(
            template_code,
            addresses[0],
            context,
            cc_admins=True,
            attachments=attachments,
            **options,
        )
    ]


# --- Scheduling the send task ---------------------------------------------------------------


class _Pending:
    """Message ids queued in the current transaction; one task per batch after commit."""

    def __init__(self):
        self.ids: list[int] = []
        self.fired = False

    def __call__(self):
        self.fired = True
        ids, self.ids = self.ids, []
        enqueue_batches(ids)


def enqueue_batches(ids) -> int:
    from .tasks import send_messages

    ids = list(ids)
    size = conf.batch_size()
    for start in range(0, len(ids), size):
        send_messages.enqueue(ids[start : start + size])
    return len(ids)


def schedule_send(pk: int) -> None:
    """Enqueue the send task when the current transaction commits (batched per transaction)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        enqueue_batches([pk])
        return
    pending = getattr(connection, "_civitas_outbox_pending", None)
    # The callback disappears from run_on_commit when its (savepoint) transaction rolls
    # back; then a new one is needed.
    if (
        pending is None
        or pending.fired
        or not any(entry[1] is pending for entry in connection.run_on_commit)
    ):
        pending = _Pending()
        connection._civitas_outbox_pending = pending
        transaction.on_commit(pending, robust=True)
    pending.ids.append(pk)


# --- Sending ------------------------------------------------------------------------------


class MessageQueue(DeliveryQueue):
    """The outbox's messages on the core delivery engine (civitas.core.delivery)."""

    model = Message
    done_state = State.SENT
    done_at_field = "sent_at"

    def max_attempts(self) -> int:
        return conf.max_attempts()

    def retry_base(self) -> int:
        return conf.retry_base()

    def retry_max(self) -> int:
        return conf.retry_max()

    def stale_after(self) -> timedelta:
        return timedelta(minutes=conf.stale_minutes())

    def keep_days(self):
        return conf.keep_days()

    def enqueue(self, ids) -> None:
        enqueue_batches(ids)


QUEUE = MessageQueue()


def _claim_many(ids, now=None) -> list[Message]:
    """Claim the due, claimable messages among `ids` (queued|retrying -> sending)."""
    return QUEUE.claim(ids, now)


def _claim(pk, now=None) -> Message | None:
    claimed = _claim_many([pk], now)
    return claimed[0] if claimed else None


def backoff(attempts: int) -> timedelta:
    return QUEUE.backoff(attempts)


_error_text = error_text


def _record_failure(msg: Message, exc, permanent=False) -> None:
    QUEUE.fail(msg, exc, permanent=permanent)


def _record_success(msg: Message, provider_id="") -> None:
    QUEUE.succeed(msg, provider_id=provider_id[:200])


def _is_permanent(exc) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return isinstance(exc, ValueError | mail.BadHeaderError)


def _is_connection_error(exc) -> bool:
    return isinstance(exc, OSError | smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError)


def build_email(msg: Message, connection=None) -> mail.EmailMultiAlternatives:
    headers = {"X-Civitas-Message-Id": str(msg.pk)}
    if not msg.essential:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(msg.to, msg.category)}>"
    email = mail.EmailMultiAlternatives(
        subject=msg.subject.replace("\n", " ").replace("\r", " "),
        body=msg.body_text,
        to=[msg.to],
        cc=msg.cc_list,
        connection=connection,
        headers=headers,
    )
    if msg.body_html:
        email.attach_alternative(msg.body_html, "text/html")
    for attachment in msg.attachments.all():
        email.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    return email


def _send_emails(ids, counts) -> None:
    connection = None
    claimed = _claim_many(ids)
    try:
        for index, msg in enumerate(claimed):
            connecting = connection is None
            try:
                if connection is None:
                    connection = mail.get_connection(timeout=conf.smtp_timeout())
                    connection.open()
                    connecting = False
                build_email(msg, connection).send()
            except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
                _record_failure(msg, exc, permanent=not connecting and _is_permanent(exc))
                counts["failed"] += 1
                if connecting:
                    # The server cannot be reached: the rest of the batch waits too.
                    for other in claimed[index + 1 :]:
                        _record_failure(other, exc)
                        counts["failed"] += 1
                    connection = None
                    break
                if _is_connection_error(exc):
                    _close(connection)
                    connection = None
                continue
            _record_success(msg)
            counts["sent"] += 1
    finally:
        _close(connection)


def _close(connection):
    if connection is None:
        return
    try:
        connection.close()
    except Exception:  # noqa: BLE001
        logger.warning("could not close the mail connection", exc_info=True)


def _send_sms(ids, counts) -> None:
    from .sms import SmsError, get_provider

    provider = None
    for msg in _claim_many(ids):
        try:
            provider = provider or get_provider()
            ref = provider.send(msg.to, msg.body_text)
        except SmsError as exc:
            _record_failure(msg, exc, permanent=exc.permanent)
            counts["failed"] += 1
            continue
        except Exception as exc:  # noqa: BLE001
            _record_failure(msg, exc)
            counts["failed"] += 1
            continue
        _record_success(msg, ref or "")
        counts["sent"] += 1


def send_batch(ids) -> dict:
    """Send the given messages that are still due and claimable; returns counts."""
    counts = {"sent": 0, "failed": 0}
    rows = dict(
        Message.objects.filter(pk__in=list(ids), state__in=Message.CLAIMABLE).values_list(
            "pk", "channel"
        )
    )
    ordered = [pk for pk in ids if pk in rows]
    _send_emails([pk for pk in ordered if rows[pk] == Message.Channel.EMAIL], counts)
    _send_sms([pk for pk in ordered if rows[pk] == Message.Channel.SMS], counts)
    return counts


def send_due(now=None, limit=10_000) -> str:
    """Recover interrupted sends, then enqueue every message whose time has come."""
    due, stale = QUEUE.run_due(now, limit)
    finished = (
        Mailing.objects.filter(state=Mailing.State.SENDING)
        .exclude(messages__state__in=PENDING_STATES)
        .update(state=Mailing.State.DONE)
    )
    return f"{due} due, {stale} interrupted, {finished} mailings finished"


def purge_finished(now=None) -> int:
    """Delete sent and failed messages older than CIVITAS_OUTBOX_KEEP_DAYS (unset: kept;
    the retention rules of the register of processing apply)."""
    return QUEUE.purge(now)


def resend(message: Message, *, request=None) -> Message:
    """Send again: a failed/retrying message is re-queued, a sent one is copied."""
    from civitas.core import journal

    if message.state in (State.QUEUED, State.SENDING):
        raise ValueError(_("This message is already waiting to be sent."))
    if message.state == State.SKIPPED:
        raise ValueError(_("The recipient opted out of these messages."))
    with transaction.atomic():
        if message.state == State.SENT:
            copy = Message.objects.get(pk=message.pk)
            copy.pk = None
            copy.resend_of = message
            copy.state = State.QUEUED
            copy.attempts = 0
            copy.last_error = ""
            copy.sent_at = None
            copy.provider_id = ""
            copy.created_at = timezone.now()
            copy.next_attempt_at = timezone.now()
            copy.save()
            Attachment.objects.bulk_create(
                Attachment(
                    message=copy,
                    filename=a.filename,
                    content=a.content,
                    content_type=a.content_type,
                    size=a.size,
                )
                for a in message.attachments.all()
            )
            target = copy
        else:
            QUEUE.requeue(message, reset_attempts=True)
            target = message
        journal.record(
            "outbox.message_resent",
            request=request,
            obj=message,
            details={
                "previous_state": message.state,
                "attempts": message.attempts,
                "new_message": target.pk,
            },
        )
        schedule_send(target.pk)
    target.refresh_from_db()
    return target


# --- Opt-out --------------------------------------------------------------------------------


def _norm(address: str) -> str:
    return (address or "").strip().lower()


def is_opted_out(address, category) -> bool:
    categories = [OptOut.ALL] + ([category] if category else [])
    return OptOut.objects.filter(address=_norm(address), category__in=categories).exists()


def opt_out(address, category) -> OptOut:
    return OptOut.objects.get_or_create(address=_norm(address), category=category or OptOut.ALL)[0]


def unsubscribe_token(address, category) -> str:
    return signing.dumps({"a": _norm(address), "c": category or OptOut.ALL}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token) -> tuple[str, str]:
    """(address, category); raises signing.BadSignature."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return data["a"], data["c"]


def unsubscribe_url(address, category) -> str:
    token = unsubscribe_token(address, category)
    from civitas.core.sites import absolute_url

    return absolute_url("outbox:unsubscribe", token=token)


def _add_unsubscribe_footer(msg: Message) -> None:
    url = unsubscribe_url(msg.to, msg.category)
    with translation.override(msg.language):
        line = _("To stop receiving these messages: %(url)s") % {"url": url}
    if url not in msg.body_text:
        msg.body_text = f"{msg.body_text.rstrip()}\n\n-- \n{line}\n"
    if msg.body_html and url not in msg.body_html:
        from django.utils.html import escape

        msg.body_html += f'<hr><p><a href="{escape(url)}">{escape(line)}</a></p>'


# --- Mailings -------------------------------------------------------------------------------

# Placeholders of every mailing, besides templates.COMMON_PLACEHOLDERS and the source's own.
MAILING_PLACEHOLDERS = {
    "name": gettext_lazy("Name of the recipient"),
    "email": gettext_lazy("E-mail address of the recipient"),
}
_SHORT = re.compile(r"(?<!\{)\{\s*([A-Za-z_]\w*)\s*\}(?!\})")


class MailingError(ValueError):
    """A mailing that cannot be created; the message is for the user."""


def _source(code):
    try:
        return recipients.get(code) if code else None
    except KeyError:
        return None


def mailing_placeholders(source: str | None = None) -> dict:
    """Placeholders a mailing text to the recipients of `source` may use."""
    found = _source(source)
    return {
        **templates.COMMON_PLACEHOLDERS,
        **MAILING_PLACEHOLDERS,
        **(found.placeholders if found else {}),
    }


def normalise_mailing_text(text: str, source: str | None = None) -> str:
    """A source registered with short_placeholders also accepts {company} for
    {{ company }} (its own placeholders only)."""
    found = _source(source)
    if not found or not found.short_placeholders:
        return text or ""

    def repl(m):
        name = m.group(1)
        return "{{ " + name + " }}" if name in found.placeholders else m.group(0)

    return _SHORT.sub(repl, text or "")


def check_mailing_text(text: str, source: str | None = None) -> list[str]:
    """Problems of a mailing subject or body: syntax errors and unknown placeholders."""
    return templates.check(normalise_mailing_text(text, source), mailing_placeholders(source))


@transaction.atomic
def create_mailing(
    *,
    source: str,
    subject: str,
    body: str,
    params: dict | None = None,
    category: str = "news",
    essential: bool = False,
    language: str = "fr",
    user=None,
    request=None,
    journal_action: str | None = "outbox.mailing_sent",
) -> Mailing:
    """Check the texts, record the mailing and start it when the transaction commits.

    Raises MailingError (a message for the user) for an unknown source or a text with
    unknown placeholders or a syntax error. Journaled as `journal_action` (None: the caller
    journals itself, e.g. one entry for a French and an English mailing)."""
    if _source(source) is None:
        raise MailingError(_("Unknown recipients: %(source)s") % {"source": source})
    subject = normalise_mailing_text(subject, source)
    body = normalise_mailing_text(body, source)
    problems = check_mailing_text(subject, source) + check_mailing_text(body, source)
    if problems:
        raise MailingError(" ".join(str(p) for p in problems))
    mailing = Mailing.objects.create(
        subject=subject.strip(),
        body=body,
        source=source,
        source_params=dict(params or {}),
        category=category,
        essential=essential,
        language=language,
        rate_per_minute=conf.mailing_rate(),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if journal_action:
        from civitas.core import journal

        journal.record(
            journal_action,
            request=request,
            actor=user if getattr(user, "is_authenticated", False) else None,
            obj=mailing,
            details={"source": mailing.source, "params": mailing.source_params},
        )
    start_mailing(mailing)
    return mailing


def start_mailing(mailing: Mailing) -> None:
    from .tasks import prepare_mailing as task

    transaction.on_commit(lambda: task.enqueue(mailing.pk), robust=True)


def preview_mailing(subject, body, source, params) -> tuple[int, str, str]:
    """(recipient count, subject, body) rendered for the first recipient."""
    found = recipients.resolve(source, params)
    sample = found[0] if found else recipients.Recipient("person@example.org", "Camille Martin")
    ctx = _mailing_context(sample, "news", essential=True)
    return len(found), templates.render(subject, ctx).strip(), templates.render(body, ctx)


def _mailing_context(r, category, essential) -> dict:
    ctx = {**common_context(), "name": r.name or r.address, "email": r.address, **r.context}
    if not essential:
        ctx["unsubscribe_url"] = unsubscribe_url(r.address, category)
    return ctx


def prepare_mailing(mailing_id: int) -> int:
    """Create one message per recipient; message i is due at start + i // rate minutes.

    The claim (a conditional UPDATE of the mailing) and the messages are written in one
    transaction: a duplicated task waits for the first one, then finds nothing to claim; a
    worker killed half-way leaves the mailing "preparing" with no message at all, and
    `resume_stalled_mailings` takes it up again. No recipient is ever mailed twice."""
    with transaction.atomic():
        return _prepare_mailing(mailing_id)


def resume_stalled_mailings(now=None) -> int:
    """Enqueue again the preparation of the mailings still "preparing" after
    CIVITAS_JOB_STALE_MINUTES: their task was lost (worker killed, queue emptied). A
    preparation still running holds the mailing's row: the new task waits, then does nothing."""
    from .tasks import prepare_mailing as task

    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.CIVITAS_JOB_STALE_MINUTES)
    ids = list(
        Mailing.objects.filter(state=Mailing.State.PREPARING, created_at__lt=stale).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        task.enqueue(pk)
    return len(ids)


def _prepare_mailing(mailing_id: int) -> int:
    # Claimed with a conditional UPDATE: a duplicated task never creates the messages twice.
    if not Mailing.objects.filter(pk=mailing_id, state=Mailing.State.PREPARING).update(
        state=Mailing.State.SENDING
    ):
        return 0
    mailing = Mailing.objects.get(pk=mailing_id)
    try:
        found = recipients.resolve(mailing.source, mailing.source_params)
        subject_t = templates.compile(mailing.subject)
        body_t = templates.compile(mailing.body)
    except Exception as exc:  # noqa: BLE001
        Mailing.objects.filter(pk=mailing.pk).update(
            state=Mailing.State.FAILED, error=_error_text(exc)
        )
        return 0
    opted = set(
        OptOut.objects.filter(category__in=[OptOut.ALL, mailing.category]).values_list(
            "address", flat=True
        )
    )
    from django.template import Context

    start = timezone.now()
    rate = max(1, mailing.rate_per_minute)
    rows, index = [], 0
    for r in found:
        address = r.address.strip()
        skipped = not mailing.essential and _norm(address) in opted
        ctx = Context(_mailing_context(r, mailing.category, mailing.essential), autoescape=False)
        msg = Message(
            channel=Message.Channel.EMAIL,
            to=address[:254],
            subject=subject_t.render(ctx).strip()[:255],
            body_text=body_t.render(ctx),
            language=r.language or mailing.language,
            category=mailing.category,
            essential=mailing.essential,
            mailing=mailing,
            related_type="outbox.mailing",
            related_id=str(mailing.pk),
            state=State.SKIPPED if skipped else State.QUEUED,
            next_attempt_at=None if skipped else start + timedelta(minutes=index // rate),
        )
        if not skipped:
            if not mailing.essential:
                _add_unsubscribe_footer(msg)
            index += 1
        rows.append(msg)
    with transaction.atomic():
        created = Message.objects.bulk_create(rows, batch_size=500)
        Mailing.objects.filter(pk=mailing.pk).update(
            state=Mailing.State.SENDING if index else Mailing.State.DONE, total=len(rows)
        )
        first = [m.pk for m in created if m.state == State.QUEUED and m.next_attempt_at <= start]
        transaction.on_commit(lambda: enqueue_batches(first), robust=True)
    return len(rows)


def mailing_progress(mailing: Mailing) -> dict:
    counts = dict(
        mailing.messages.values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
    pending = sum(counts.get(s, 0) for s in PENDING_STATES)
    done = mailing.total - pending
    if mailing.state == Mailing.State.SENDING and mailing.total and not pending:
        Mailing.objects.filter(pk=mailing.pk).update(state=Mailing.State.DONE)
        mailing.state = Mailing.State.DONE
    return {
        "counts": counts,
        "sent": counts.get(State.SENT, 0),
        "failed": counts.get(State.FAILED, 0),
        "skipped": counts.get(State.SKIPPED, 0),
        "pending": pending,
        "percent": int(100 * done / mailing.total) if mailing.total else 0,
        "finished": mailing.state in (Mailing.State.DONE, Mailing.State.FAILED),
    }
