"""Private messages between the parties of a meeting request, and with the organisers.

Rules
- A meeting conversation is open for writing once the request is accepted (accepted or
  confirmed), or while it is pending when the event allows messages before acceptance.
  Once the request is declined, cancelled or expired the conversation stays readable but
  closed.
- Only the two representatives of the request (the conversation's members) and the
  event's administrators holding "events.manage_messages" read a meeting conversation;
  administrators do not write in it (they answer in their own conversations).
- A participant always has one conversation with the organisers; the organisers answer
  from the back office and may start it.
- Bodies are plain text, at most MAX_MESSAGE_LENGTH characters, escaped on display.

Notices: the recipient gets an e-mail through the outbox saying that a message is waiting,
with a link, but not the message itself (see `_notice_context`). A burst of messages sends
one notice: a member is notified again only after the throttle delay *and* after having
read the conversation since the last notice (or, if they never come back, after a day).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import journal
from civitas.core.outbox import services as outbox
from civitas.core.outbox import templates
from civitas.core.sites import site_url

from ..models import (
    SCOPE_EVENT,
    Conversation,
    ConversationMember,
    ConversationMessage,
    Event,
    MeetingRequest,
    Representative,
)
from ..models.messaging import MAX_MESSAGE_LENGTH
from . import ServiceError

Kind = Conversation.Kind
State = MeetingRequest.State
PERMISSION = "events.manage_messages"

# States in which the two parties may write (PENDING only if the event allows it).
WRITABLE_STATES = (State.ACCEPTED, State.CONFIRMED)


def throttle() -> timedelta:
    return timedelta(minutes=getattr(settings, "CIVITAS_EVENTS_MESSAGE_NOTICE_MINUTES", 15))


REMIND_AFTER = timedelta(hours=24)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --- Rules ----------------------------------------------------------------------------------


def clean_body(body: str) -> str:
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise ServiceError(_("Write a message first."))
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ServiceError(
            _("A message has at most %(max)s characters (this one has %(n)s).")
            % {"max": MAX_MESSAGE_LENGTH, "n": len(text)}
        )
    return text


def request_is_writable(req: MeetingRequest) -> bool:
    if req.state in WRITABLE_STATES:
        return True
    return req.state == State.PENDING and req.event.allow_messages_before_acceptance


def closed_reason(req: MeetingRequest) -> str:
    """Why the parties cannot write (empty when they can)."""
    if request_is_writable(req):
        return ""
    if req.state == State.PENDING:
        return _("You can write to each other once the request is accepted.")
    return _("This request is closed (%(state)s): the conversation is read-only.") % {
        "state": req.get_state_display().lower()
    }


def is_member(conversation: Conversation, rep: Representative | None) -> bool:
    if rep is None or conversation is None:
        return False
    return conversation.members.filter(representative=rep).exists()


# --- Finding and creating conversations -----------------------------------------------------


def _get_or_create(lookup: dict, defaults: dict, members) -> Conversation:
    conv = Conversation.objects.filter(**lookup).first()
    if conv is not None:
        return conv
    try:
        with transaction.atomic():
            conv = Conversation.objects.create(**lookup, **defaults)
            ConversationMember.objects.bulk_create(
                [ConversationMember(conversation=conv, representative=r) for r in members]
            )
    except IntegrityError:  # created meanwhile by the other party
        conv = Conversation.objects.get(**lookup)
    return conv


def meeting_conversation(req: MeetingRequest, *, create=False) -> Conversation | None:
    if not create:
        return Conversation.objects.filter(request=req).first()
    return _get_or_create(
        {"request": req},
        {"event_id": req.event_id, "kind": Kind.MEETING},
        [req.sender, req.recipient],
    )


def organisers_conversation(rep: Representative, *, create=False) -> Conversation | None:
    if not create:
        return Conversation.objects.filter(participant=rep).first()
    return _get_or_create(
        {"participant": rep},
        {"event_id": rep.company.event_id, "kind": Kind.ORGANISERS},
        [rep],
    )


# --- Posting ----------------------------------------------------------------------------------


def _lock(conv: Conversation) -> Conversation:
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("event", "request__sender__company", "request__recipient__company")
        .select_related("participant__company")
        .get(pk=conv.pk)
    )


@transaction.atomic
def post_to_meeting(req: MeetingRequest, rep: Representative, body: str) -> ConversationMessage:
    """One party of the request writes to the other."""
    text = clean_body(body)
    if rep.pk not in (req.sender_id, req.recipient_id):
        raise ServiceError(_("You are not a party to this meeting request."))
    req = MeetingRequest.objects.select_related(
        "event", "sender__company", "recipient__company"
    ).get(pk=req.pk)
    if not request_is_writable(req):
        raise ServiceError(closed_reason(req))
    conv = _lock(meeting_conversation(req, create=True))
    return _add(conv, text, author=rep)


@transaction.atomic
def post_to_organisers(rep: Representative, body: str) -> ConversationMessage:
    """A participant writes to the organisers of their event."""
    text = clean_body(body)
    conv = _lock(organisers_conversation(rep, create=True))
    return _add(conv, text, author=rep)


@transaction.atomic
def post_by_organisers(
    rep: Representative, user, body: str, *, request=None
) -> ConversationMessage:
    """An administrator writes (or answers) to a participant, on behalf of the organisers."""
    from civitas.core.permissions import has_perm

    text = clean_body(body)
    event = rep.company.event
    if not has_perm(user, PERMISSION, event):
        raise ServiceError(_("You may not answer the messages of this event."))
    conv = _lock(organisers_conversation(rep, create=True))
    message = _add(conv, text, organiser=user)
    journal.record(
        "events.message_to_participant",
        request=request,
        actor=user,
        obj=conv,
        details={"event": event.pk, "representative": rep.pk, "message": message.pk},
    )
    return message


def _add(conv: Conversation, text: str, *, author=None, organiser=None) -> ConversationMessage:
    now = timezone.now()
    message = ConversationMessage.objects.create(
        conversation=conv,
        author=author,
        author_user=organiser,
        from_organisers=organiser is not None,
        body=text,
        created_at=now,
    )
    changes = {"last_message_at": now}
    if organiser is not None:
        # What the organisers write, they have read.
        changes["organisers_read_at"] = now
    Conversation.objects.filter(pk=conv.pk).update(**changes)
    for name, value in changes.items():
        setattr(conv, name, value)
    if author is not None:
        ConversationMember.objects.filter(conversation=conv, representative=author).update(
            read_at=now
        )
    _notify(conv, message, now)
    return message


# --- Reading ----------------------------------------------------------------------------------


def mark_read(conv: Conversation, rep: Representative) -> None:
    ConversationMember.objects.filter(conversation=conv, representative=rep).update(
        read_at=timezone.now()
    )


def mark_read_by_organisers(conv: Conversation) -> None:
    Conversation.objects.filter(pk=conv.pk).update(organisers_read_at=timezone.now())


def _unread_for(rep: Representative):
    """Subquery: messages of the member row's conversation written by someone else after
    the member's read marker."""
    since = Coalesce(OuterRef("read_at"), Value(_EPOCH), output_field=DateTimeField())
    counted = (
        ConversationMessage.objects.filter(conversation=OuterRef("conversation"))
        .filter(created_at__gt=since)
        .exclude(author=rep)
        .order_by()
        .values("conversation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def memberships(rep: Representative):
    """The representative's conversations (as ConversationMember rows) with `unread`."""
    return (
        ConversationMember.objects.filter(representative=rep)
        .select_related(
            "conversation__request__sender__company",
            "conversation__request__recipient__company",
        )
        .annotate(unread=_unread_for(rep))
        .order_by(F("conversation__last_message_at").desc(nulls_last=True), "-pk")
    )


def unread_count(rep: Representative | None) -> int:
    if rep is None:
        return 0
    return memberships(rep).aggregate(total=Sum("unread"))["total"] or 0


def organisers_inbox(event: Event, kind=Kind.ORGANISERS):
    """The event's conversations, with `unread` = participants' messages the organisers have
    not opened yet (always 0 for meeting conversations, which they only oversee)."""
    unread = Q(messages__from_organisers=False) & (
        Q(organisers_read_at__isnull=True) | Q(messages__created_at__gt=F("organisers_read_at"))
    )
    qs = Conversation.objects.filter(event=event, kind=kind).select_related(
        "participant__company", "request__sender__company", "request__recipient__company"
    )
    if kind == Kind.ORGANISERS:
        qs = qs.annotate(unread=Count("messages", filter=unread))
    return qs.annotate(n_messages=Count("messages", distinct=True)).order_by(
        F("last_message_at").desc(nulls_last=True), "-pk"
    )


def organisers_unread_total(event: Event) -> int:
    return (
        ConversationMessage.objects.filter(
            conversation__event=event, conversation__kind=Kind.ORGANISERS, from_organisers=False
        )
        .filter(
            Q(conversation__organisers_read_at__isnull=True)
            | Q(created_at__gt=F("conversation__organisers_read_at"))
        )
        .count()
    )


def writable_requests_without_conversation(rep: Representative):
    """Requests the representative may write about, where nobody has written yet."""
    states = list(WRITABLE_STATES)
    if rep.company.event.allow_messages_before_acceptance:
        states.append(State.PENDING)
    return (
        MeetingRequest.objects.filter(Q(sender=rep) | Q(recipient=rep), state__in=states)
        .filter(conversation__isnull=True)
        .select_related("sender__company", "recipient__company")
        .order_by("-created_at")
    )


# --- Notices ----------------------------------------------------------------------------------


def should_notify(notified_at, read_at, now) -> bool:
    """One notice per burst: not within the throttle delay; then only if the person read
    the conversation since the last notice (or the last notice is a day old)."""
    if notified_at is None:
        return True
    if notified_at > now - throttle():
        return False
    if read_at is not None and read_at >= notified_at:
        return True
    return notified_at <= now - REMIND_AFTER


def _site() -> str:
    return site_url()


def participant_thread_url(conv: Conversation) -> str:
    slug = conv.event.slug
    if conv.kind == Kind.MEETING:
        path = reverse(
            "events:area_thread_request", kwargs={"slug": slug, "request_pk": conv.request_id}
        )
    else:
        path = reverse("events:area_thread_organisers", kwargs={"slug": slug})
    return _site() + path


def backoffice_thread_url(conv: Conversation) -> str:
    return _site() + reverse(
        "events:bo_conversation", kwargs={"pk": conv.event_id, "conv_pk": conv.pk}
    )


def _notice_context(conv: Conversation, rep_or_none, author_label: str) -> dict:
    # The body is deliberately left out of the e-mail: a B2B exchange may be confidential
    # (prices, projects), mail crosses third-party servers and mailboxes, the outbox keeps a
    # copy readable by anyone holding outbox.view_messages for the whole organisation, and
    # the conversation's own retention and erasure rules would not reach that copy.
    return {
        "event": conv.event.name,
        "event_url": _site() + reverse("events:event_page", kwargs={"slug": conv.event.slug}),
        "name": rep_or_none.full_name if rep_or_none else "",
        "other": author_label,
    }


def _author_label(message: ConversationMessage) -> str:
    if message.from_organisers:
        return _("The organisers")
    rep = message.author
    return f"{rep.full_name} ({rep.company.name})"


def organiser_addresses(event: Event) -> list[str]:
    """The event's organiser address, else the accounts that may answer its messages."""
    if event.organiser_email:
        return [event.organiser_email]
    from civitas.core import accounts

    return list(accounts.holders(PERMISSION, event).values_list("email", flat=True))


def _notify(conv: Conversation, message: ConversationMessage, now) -> None:
    author_label = _author_label(message)
    members = (
        ConversationMember.objects.select_for_update(of=("self",))
        .filter(conversation=conv)
        .select_related("representative__company", "representative__user")
        .order_by("pk")
    )
    for member in members:
        rep = member.representative
        if message.author_id == rep.pk:
            continue
        if not should_notify(member.notified_at, member.read_at, now):
            continue
        ctx = {**_notice_context(conv, rep, author_label), "thread_url": ""}
        ctx["thread_url"] = participant_thread_url(conv)
        outbox.queue_templated(
            "events.message_received",
            rep.email,
            ctx,
            language=getattr(rep.user, "language", None) or "fr",
            scope_type=SCOPE_EVENT,
            scope_id=conv.event_id,
            essential=False,
        )
        ConversationMember.objects.filter(pk=member.pk).update(notified_at=now)
    if conv.kind == Kind.ORGANISERS and not message.from_organisers:
        if not should_notify(conv.organisers_notified_at, conv.organisers_read_at, now):
            return
        ctx = {**_notice_context(conv, None, author_label), "thread_url": ""}
        ctx["thread_url"] = backoffice_thread_url(conv)
        for address in organiser_addresses(conv.event):
            outbox.queue_templated(
                "events.message_to_organisers",
                address,
                ctx,
                language="fr",
                scope_type=SCOPE_EVENT,
                scope_id=conv.event_id,
            )
        Conversation.objects.filter(pk=conv.pk).update(organisers_notified_at=now)


def register_templates():
    placeholders = {
        "event": gettext_lazy("Event name"),
        "event_url": gettext_lazy("Address of the event page"),
        "name": gettext_lazy("Recipient's name"),
        "other": gettext_lazy("Who wrote (person and company, or the organisers)"),
        "thread_url": gettext_lazy("Link to the conversation"),
    }
    templates.register(
        "events.message_received",
        gettext_lazy("Events: new private message (notice to a participant)"),
        placeholders=placeholders,
        default_subject={
            "fr": "Nouveau message : {{ event }}",
            "en": "New message: {{ event }}",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\n{{ other }} vous a écrit au sujet de {{ event }}.\n\n"
            "Par confidentialité, le message n'est pas recopié dans ce courriel. Lisez-le et "
            "répondez dans votre espace :\n{{ thread_url }}\n\n{{ organisation }}",
            "en": "Hello {{ name }},\n\n{{ other }} wrote to you about {{ event }}.\n\n"
            "For confidentiality, the message is not copied into this e-mail. Read it and "
            "answer in your area:\n{{ thread_url }}\n\n{{ organisation }}",
        },
    )
    templates.register(
        "events.message_to_organisers",
        gettext_lazy("Events: new message to the organisers"),
        placeholders=placeholders,
        default_subject={
            "fr": "Message d'un participant : {{ event }}",
            "en": "Message from a participant: {{ event }}",
        },
        default_body={
            "fr": "Bonjour,\n\n{{ other }} a écrit aux organisateurs de {{ event }}.\n\n"
            "Lisez le message et répondez dans le back-office :\n{{ thread_url }}\n\n"
            "{{ organisation }}",
            "en": "Hello,\n\n{{ other }} wrote to the organisers of {{ event }}.\n\n"
            "Read the message and answer in the back office:\n{{ thread_url }}\n\n"
            "{{ organisation }}",
        },
    )


# --- Retention --------------------------------------------------------------------------------


def keep_days() -> int:
    return getattr(settings, "CIVITAS_EVENTS_MESSAGES_KEEP_DAYS", 365)


def purge_old_conversations(now=None) -> int:
    """Delete the conversations of events that ended more than keep_days() ago (the spec
    keeps an event's data one year after its end); journal the count per event."""
    now = now or timezone.now()
    cutoff = (now - timedelta(days=keep_days())).date()
    events = Event.objects.filter(end_date__lt=cutoff, conversations__isnull=False).distinct()
    total = 0
    for event in events:
        with transaction.atomic():
            qs = Conversation.objects.filter(event=event)
            n_messages = ConversationMessage.objects.filter(conversation__event=event).count()
            n = qs.count()
            qs.delete()
            journal.record(
                "events.conversations_purged",
                obj=event,
                details={"conversations": n, "messages": n_messages, "kept_days": keep_days()},
            )
        total += n
    return total
