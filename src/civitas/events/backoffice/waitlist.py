"""Back office: the waiting lists of an event (slot booking mode), slot by slot, and taking
an entry off its list. Thin views: the rule lives in services/waitlist.py."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civitas.core.permissions import scoped_permission_required

from ..models import Event, MeetingRequest, SlotWaitlistEntry
from ..services import ServiceError
from ..services import waitlist as waitlist_svc
from .forms import RemoveForm


def _waiting(event):
    return (
        SlotWaitlistEntry.objects.filter(
            event=event,
            state=SlotWaitlistEntry.State.WAITING,
            request__state=MeetingRequest.State.ACCEPTED,
        )
        .select_related("slot__session", "request__sender__company", "request__recipient__company")
        .order_by("slot__start", "slot_id", "created_at", "pk")
    )


@scoped_permission_required("events.manage_meetings", Event)
def waitlists(request, pk):
    event = request.event
    groups = [
        (slot, list(enumerate(entries, start=1)))
        for slot, entries in groupby(_waiting(event), key=lambda e: e.slot)
    ]
    return render(
        request,
        "events/waitlist/backoffice.html",
        {"event": event, "groups": groups, "slots_mode": event.books_slots},
    )


@scoped_permission_required("events.manage_meetings", Event)
def waitlist_remove(request, pk, entry_pk):
    event = request.event
    entry = get_object_or_404(
        SlotWaitlistEntry.objects.select_related(
            "slot__session", "request__sender__company", "request__recipient__company"
        ),
        pk=entry_pk,
        event=event,
    )
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            waitlist_svc.remove(entry, reason=form.cleaned_data["reason"], request=request)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The request is no longer on the waiting list."))
            return redirect("events:bo_waitlists", pk=event.pk)
    return render(
        request,
        "events/waitlist/remove.html",
        {"event": event, "entry": entry, "form": form, "position": waitlist_svc.position(entry)},
    )
