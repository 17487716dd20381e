"""Replies by e-mail: a mail whose subject carries a ticket's signed reference
(``[S-2027-00001#1a2b3c4d5e6f]``, put there by every outgoing support mail) lands in that
ticket as a customer reply, its quoted history stripped. The SMTP endpoint is the
``support_smtpd`` management command (aiosmtpd); any other transport (IMAP polling, a
relay's webhook) calls :func:`receive` with the raw message."""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

from ..models import Correspondent
from .tickets import TicketError, customer_message, find_by_reference

REFERENCE = re.compile(r"\[(S-\d{4}-\d{5})#([0-9a-f]{12})\]")
# Lines that start the quoted history in the usual mail clients (French and English).
QUOTE_STARTS = [
    re.compile(r"^\s*>"),
    re.compile(r"^\s*Le .{3,200}a écrit\s*:\s*$", re.I),
    re.compile(r"^\s*On .{3,200}wrote\s*:\s*$", re.I),
    re.compile(r"^\s*-{2,}\s*(Original Message|Message d'origine|Message original)\s*-{2,}", re.I),
    re.compile(r"^\s*(De|From)\s*:\s.+$"),
    re.compile(r"^\s*_{10,}\s*$"),
    re.compile(r"^-- $"),
]


class InboundError(Exception):
    """A mail that cannot be filed (the SMTP endpoint answers 550 with the message)."""


def strip_quoted(text: str) -> str:
    """The new part of a reply: everything before the first line that starts the quoted
    history (or the signature)."""
    kept = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if any(p.match(line) for p in QUOTE_STARTS):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        content = re.sub(r"<blockquote.*?</blockquote>", "", content, flags=re.S | re.I)
        content = re.sub(r"<br\s*/?>|</p>", "\n", content, flags=re.I)
        content = re.sub(r"<[^>]+>", "", content)
    return content


def receive(raw: bytes, envelope_from: str = ""):
    """File one raw mail in its ticket; returns the Message created."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    match = REFERENCE.search(str(message.get("Subject", "")))
    if not match:
        raise InboundError("No ticket reference in the subject")
    ticket = find_by_reference(match.group(1), match.group(2))
    if ticket is None:
        raise InboundError("Unknown ticket reference")
    sender = parseaddr(str(message.get("From", "")))[1] or envelope_from
    link = (
        Correspondent.objects.filter(structure=ticket.structure, user__email__iexact=sender)
        .select_related("user")
        .first()
    )
    if link is None:
        raise InboundError("The sender is not a correspondent of the ticket's structure")
    text = strip_quoted(_body(message))
    if not text:
        raise InboundError("Empty reply")
    try:
        return customer_message(ticket, link.user, text, "reply", by_email=True)
    except TicketError as exc:
        raise InboundError(str(exc)) from exc
