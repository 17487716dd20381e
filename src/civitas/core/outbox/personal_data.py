"""Personal data held by the outbox (read by civitas.core.gdpr.registry)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civitas.core.gdpr import registry as r


def _addresses(email, user):
    out = [email] if email else []
    if user is not None and getattr(user, "phone", ""):
        out.append(user.phone)
    return out


def _message_filter(email, user):
    q = Q(pk__in=[])
    for address in _addresses(email, user):
        q |= Q(to__iexact=address) | Q(cc__icontains=address)
    return q


def _optout_filter(email, user):
    q = Q(pk__in=[])
    for address in _addresses(email, user):
        q |= Q(address__iexact=address)
    return q


r.register(
    "outbox.Message",
    category="messages",
    person_fields=["to", "cc", "subject", "body_text", "body_html", "sent_at"],
    subject_filter=_message_filter,
    erase="delete",
    retention_field="created_at",
    rectify_fields=[],
)


def _attachment_filter(email, user):
    q = Q(pk__in=[])
    for address in _addresses(email, user):
        q |= Q(message__to__iexact=address) | Q(message__cc__icontains=address)
    return q


r.register(
    "outbox.Attachment",
    category="messages",
    person_fields=["filename", "content"],
    subject_filter=_attachment_filter,
    erase="delete",
    rectify_fields=[],
)
r.register(
    "outbox.OptOut",
    category="messages",
    person_fields=["address", "category", "created_at"],
    subject_filter=_optout_filter,
    erase="keep",
    keep_reason=_(
        "An opposition must keep being honoured: deleting it would let mailings reach the "
        "person again (only the address and the category are kept)."
    ),
    rectify_fields=[],
)
r.register_user_links("outbox.MessageTemplate", category="content")
r.register_user_links("outbox.Mailing", category="content")
