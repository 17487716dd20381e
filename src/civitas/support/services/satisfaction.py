"""The satisfaction question: asked once when a ticket is resolved or closed, answered
once (by the link of its mail or on the portal), counted in the reports."""

from __future__ import annotations

import secrets
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import locking
from civitas.core.outbox import services as outbox
from civitas.core.sites import absolute_url

from ..models import Satisfaction, Ticket


class SatisfactionError(Exception):
    """A refusal with a message for the person."""


def link(survey: Satisfaction) -> str:
    return absolute_url("support:satisfaction", token=survey.token)


def ask(ticket: Ticket, now=None) -> Satisfaction | None:
    """Ask the requester once, the first time the ticket is resolved or closed (never for
    a ticket without a requester who can receive mail)."""
    if not ticket.requester_id or Satisfaction.objects.filter(ticket=ticket).exists():
        return None
    now = now or timezone.now()
    survey = Satisfaction.objects.create(
        ticket=ticket, token=secrets.token_urlsafe(24), asked_at=now
    )
    requester = ticket.requester
    if requester.email:
        from .tickets import reference

        outbox.send_message(
            "support.satisfaction",
            email=requester,
            context={
                "name": requester.get_full_name(),
                "ticket": reference(ticket),
                "subject": ticket.subject,
                "text": "",
                "state": ticket.state.label_in(requester.language),
                "link": link(survey),
            },
            scope_type="unit",
            scope_id=ticket.structure.unit_id,
        )
    return survey


def pending_for(ticket: Ticket, user) -> Satisfaction | None:
    """The question the user may still answer on the ticket's page (the requester only)."""
    if ticket.requester_id != getattr(user, "pk", None):
        return None
    return Satisfaction.objects.filter(ticket=ticket, answered_at__isnull=True).first()


@transaction.atomic
def answer(survey: Satisfaction, score: int, comment: str = "", *, via: str, now=None):
    """Record the answer; a second answer (another tab, the link after the portal) is
    refused, the first one kept."""
    locking.lock(rows=[Satisfaction.objects.filter(pk=survey.pk)])
    survey.refresh_from_db()
    if survey.answered_at is not None:
        raise SatisfactionError(_("This question is already answered: thank you."))
    if score not in Satisfaction.Score.values:
        raise SatisfactionError(_("Choose an answer."))
    locking.checkpoint()
    survey.score = score
    survey.comment = comment.strip()[:2000]
    survey.via = via
    survey.answered_at = now or timezone.now()
    survey.save(update_fields=["score", "comment", "via", "answered_at"])
    return survey


def results(tickets) -> dict:
    """Asked, answered, the answer rate, the mean score and the count per score of the
    given tickets (a list or a queryset)."""
    ids = [t.pk for t in tickets]
    rows = list(Satisfaction.objects.filter(ticket_id__in=ids).values_list("answered_at", "score"))
    answered = [score for at, score in rows if at is not None]
    counts = Counter(answered)
    return {
        "asked": len(rows),
        "answered": len(answered),
        "rate": round(100 * len(answered) / len(rows)) if rows else None,
        "mean": round(sum(answered) / len(answered), 1) if answered else None,
        "scores": [(label, counts.get(value, 0)) for value, label in Satisfaction.Score.choices],
    }
