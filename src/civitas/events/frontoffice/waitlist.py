"""Participant area: waiting lists per slot (join from a request, see the position, leave)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.permissions import login_required

from ..models import MeetingRequest, SlotWaitlistEntry
from ..services import ServiceError, waitlist
from .views import _me, _not_registered


def _mine(me):
    return Q(request__sender=me) | Q(request__recipient=me)


@login_required
def area_waitlist(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    entries = list(
        SlotWaitlistEntry.objects.filter(_mine(me), event=event)
        .select_related("slot", "request__sender__company", "request__recipient__company")
        .order_by("-created_at")[:100]
    )
    rows = [(e, e.request.other(me), waitlist.position(e)) for e in entries]
    return render(request, "events/waitlist/list.html", {"event": event, "me": me, "rows": rows})


@login_required
@require_POST
def area_waitlist_join(request, slug, pk):
    event, me = _me(request, slug)
    if me is None:
        raise Http404
    req = get_object_or_404(MeetingRequest, pk=pk, event=event)
    if me.pk not in (req.sender_id, req.recipient_id):
        raise Http404
    try:
        entry = waitlist.join(req, me)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("events:area_home", slug=slug)
    messages.success(
        request,
        _("You are on the waiting list for this slot, in position %(n)s.")
        % {"n": waitlist.position(entry)},
    )
    return redirect("events:area_waitlist", slug=slug)


@login_required
@require_POST
def area_waitlist_leave(request, slug, pk):
    event, me = _me(request, slug)
    if me is None:
        raise Http404
    entry = get_object_or_404(SlotWaitlistEntry.objects.filter(_mine(me)), pk=pk, event=event)
    try:
        waitlist.leave(entry, me)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You have left the waiting list."))
    return redirect("events:area_waitlist", slug=slug)
