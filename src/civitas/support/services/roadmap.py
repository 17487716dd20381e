"""Evolution requests (004 §4.4): recorded when a ticket is an evolution request, examined
and ranked by the provider, planned in a version (the roadmap), delivered with it (the
version sheet)."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal
from civitas.core.outbox import services as outbox
from civitas.core.sites import absolute_url

from ..models import Evolution, Service, Ticket, Version


class RoadmapError(Exception):
    """A refusal with a message for the agent."""


def ensure(ticket: Ticket) -> Evolution | None:
    """The examination record of an evolution request (created the first time a ticket is
    of the evolution service; kept if it is requalified afterwards)."""
    if ticket.service != Service.EVOLUTION:
        return Evolution.objects.filter(ticket=ticket).first()
    evolution, _created = Evolution.objects.get_or_create(
        ticket=ticket, defaults={"title": ticket.subject[:200]}
    )
    return evolution


@transaction.atomic
def decide(
    evolution: Evolution,
    *,
    by,
    decision: str,
    title: str,
    interest: str,
    priority: int,
    version: Version | None = None,
    rationale: str = "",
    request=None,
    now=None,
) -> Evolution:
    """The provider's decision; the requester is told (with the reason) when it changes."""
    now = now or timezone.now()
    ticket = evolution.ticket
    if decision in (Evolution.Decision.PLANNED, Evolution.Decision.DELIVERED) and not version:
        raise RoadmapError(_("Choose the version that brings the evolution."))
    if version is not None and version.product_id != ticket.product_id:
        raise RoadmapError(_("This version is not a version of the ticket's product."))
    if decision == Evolution.Decision.REFUSED and not rationale.strip():
        raise RoadmapError(_("Say why the evolution is not kept: the customer is told."))
    if decision in (Evolution.Decision.SUBMITTED, Evolution.Decision.REFUSED):
        version = None
    changed = decision != evolution.decision or (version and version.pk != evolution.version_id)
    evolution.title = title.strip()[:200] or ticket.subject[:200]
    evolution.decision = decision
    evolution.interest = interest
    evolution.priority = priority
    evolution.version = version
    evolution.rationale = rationale.strip()
    if changed:
        evolution.decided_at = now
    evolution.save()
    journal.record(
        "support.evolution_decided",
        request=request,
        obj=ticket,
        details={"decision": decision, "version": version.number if version else ""},
    )
    if changed and ticket.requester and ticket.requester.email:
        from .tickets import reference

        text = evolution.get_decision_display()
        if version is not None:
            text += f" : {version}"
        if evolution.rationale:
            text += f"\n\n{evolution.rationale}"
        outbox.send_message(
            "support.ticket_answered",
            email=ticket.requester,
            context={
                "name": ticket.requester.get_full_name(),
                "ticket": reference(ticket),
                "subject": ticket.subject,
                "text": text,
                "state": ticket.state.label_in(ticket.requester.language),
                "link": absolute_url("support:ticket", pk=ticket.pk),
            },
            scope_type="unit",
            scope_id=ticket.structure.unit_id,
        )
    return evolution


def upcoming_versions(today=None):
    """The versions not out yet, in the order of the release calendar."""
    today = today or timezone.localdate()
    return (
        Version.objects.filter(Q(released_on__isnull=True) | Q(released_on__gt=today))
        .select_related("product")
        .order_by("product__name", "planned_on", "number")
    )


def roadmap(today=None) -> list[tuple[Version, list[Evolution]]]:
    """Each upcoming version with the evolutions planned in it, by priority (titles only:
    the roadmap is common to every customer)."""
    versions = list(upcoming_versions(today))
    planned: dict[int, list[Evolution]] = {v.pk: [] for v in versions}
    for evolution in Evolution.objects.filter(
        version_id__in=list(planned), decision=Evolution.Decision.PLANNED
    ).order_by("priority", "pk"):
        planned[evolution.version_id].append(evolution)
    return [(v, planned[v.pk]) for v in versions]


def version_sheet(version: Version, visible_tickets) -> dict:
    """The version sheet: its dates, its notes and known issues, the evolutions it brings
    (every customer's titles), the bugs of the reader's structure it fixes."""
    note = getattr(version, "note", None)
    return {
        "version": version,
        "note": note,
        "known_issues": note.known_issues.strip() if note else "",
        "evolutions": list(
            version.evolutions.filter(
                decision__in=[Evolution.Decision.PLANNED, Evolution.Decision.DELIVERED]
            ).order_by("priority", "pk")
        ),
        "fixed": list(
            visible_tickets.filter(fixed_in=version).select_related("structure").order_by("number")
        ),
    }


def version_sheet_filename(version: Version) -> str:
    from django.utils.text import slugify

    number = re.sub(r"[^A-Za-z0-9._-]+", "-", version.number).strip("-") or str(version.pk)
    return f"fiche-version-{slugify(version.product.name)}-{number}.pdf"


def version_sheet_pdf(version: Version, visible_tickets, *, agent=False, now=None) -> bytes:
    """The version sheet as a PDF (WeasyPrint, core's A4 base): the figures of the screen,
    the fixed tickets with their structure when an agent prints it."""
    from civitas.core.documents import pdf

    context = version_sheet(version, visible_tickets)
    context["title"] = _("Version sheet: %(product)s %(number)s") % {
        "product": version.product,
        "number": version.number,
    }
    context["agent"] = agent
    context["generated_at"] = timezone.localtime(now or timezone.now())
    return pdf.render_pdf("support/pdf/version_sheet.html", context)
