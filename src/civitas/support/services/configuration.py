"""Saving and deleting the configuration rows of the desk (news, FAQ, release notes, time
books, SLA tables, calendars, states): journaled, and the queue's deadlines recomputed for
the open tickets a calendar, an SLA table or a state change touches."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from civitas.core import journal

from ..models import SlaTable, SupportCalendar, Ticket, TicketState
from . import sla


class ConfigurationError(Exception):
    """A change refused with a message for the user."""


def affected_tickets(obj):
    """The open tickets whose deadlines depend on `obj` (None when none can)."""
    open_tickets = Ticket.objects.filter(state__closed=False)
    if isinstance(obj, SupportCalendar):
        return open_tickets.filter(calendar=obj)
    if isinstance(obj, SlaTable):
        return open_tickets.filter(sla_table=obj)
    if isinstance(obj, TicketState):  # every history may pass through the state
        return open_tickets
    return None


def save(form, *, request, formset=None, action: str) -> object:
    """Save a valid form (and its inline formset) as one change; journal it; recompute the
    deadlines that depend on it."""
    with transaction.atomic():
        created = form.instance.pk is None
        obj = form.save()
        if formset is not None:
            formset.instance = obj
            formset.save()
        journal.record(
            f"{action}_{'created' if created else 'changed'}",
            request=request,
            obj=obj,
            details={"fields": sorted(form.changed_data)},
        )
    tickets = affected_tickets(obj)
    if tickets is not None:
        sla.refresh_all(tickets)
    return obj


def delete(obj, *, request, action: str) -> None:
    """Delete a row no ticket still uses (ConfigurationError otherwise)."""
    label, pk = str(obj), obj.pk
    object_type = f"{obj._meta.app_label}.{obj._meta.model_name}"
    scope = getattr(obj, "structure", None)  # a time book is journaled in its structure
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, IntegrityError):
        raise ConfigurationError(label) from None
    journal.record(
        f"{action}_deleted",
        request=request,
        object_type=object_type,
        object_id=str(pk),
        object_repr=label[:254],
        scope=scope,
    )
