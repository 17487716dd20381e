"""Back office: place, move and cancel meetings by hand (from the requests overview and a
participant's agenda). Thin views: the rules live in services/manual.py."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from civitas.core.permissions import scoped_permission_required

from ..models import Event, Meeting, MeetingRequest
from ..services import ServiceError
from ..services import manual as manual_svc
from .forms import CancelForm, PlacementForm


def _next(request, event) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("events:bo_requests", kwargs={"pk": event.pk})


def _render(request, event, form, title, req, meeting=None, submit=None):
    return render(
        request,
        "events/manual/form.html",
        {
            "event": event,
            "form": form,
            "title": title,
            "req": req,
            "meeting": meeting,
            "next": _next(request, event),
            "submit": submit or _("Save"),
        },
    )


@scoped_permission_required("events.manage_meetings", Event)
def meeting_place(request, pk, req_pk):
    event = request.event
    req = get_object_or_404(
        MeetingRequest.objects.select_related("sender__company", "recipient__company"),
        pk=req_pk,
        event=event,
    )
    form = PlacementForm(request.POST or None, event=event, req=req)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = manual_svc.place_request(
                req,
                data["slot"],
                room=data["room"],
                table=data["table"],
                publish=data["publish"],
                absence_reason=form.absence_reason_or_none(),
                request=request,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Meeting placed: %(slot)s, %(room)s, table %(table)s.")
                % {"slot": meeting.slot, "room": meeting.room, "table": meeting.table_number},
            )
            return redirect(_next(request, event))
    return _render(request, event, form, _("Place a meeting"), req, submit=_("Place a meeting"))


@scoped_permission_required("events.manage_meetings", Event)
def meeting_move(request, pk, meeting_pk):
    event = request.event
    meeting = get_object_or_404(
        Meeting.objects.select_related(
            "slot", "room__site", "request__sender__company", "request__recipient__company"
        ),
        pk=meeting_pk,
        event=event,
        state=Meeting.State.SCHEDULED,
    )
    req = meeting.request
    form = PlacementForm(request.POST or None, event=event, req=req, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = manual_svc.move_meeting(
                meeting,
                data["slot"],
                room=data["room"],
                table=data["table"],
                absence_reason=form.absence_reason_or_none(),
                request=request,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Meeting moved: %(slot)s, %(room)s, table %(table)s.")
                % {"slot": meeting.slot, "room": meeting.room, "table": meeting.table_number},
            )
            return redirect(_next(request, event))
    return _render(request, event, form, _("Move a meeting"), req, meeting, _("Move"))


@scoped_permission_required("events.manage_meetings", Event)
def meeting_cancel(request, pk, meeting_pk):
    event = request.event
    meeting = get_object_or_404(
        Meeting.objects.select_related(
            "slot", "room__site", "request__sender__company", "request__recipient__company"
        ),
        pk=meeting_pk,
        event=event,
        state=Meeting.State.SCHEDULED,
    )
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            manual_svc.cancel_placement(
                meeting,
                form.cleaned_data["reason"],
                close_request=form.cleaned_data["close_request"],
                request=request,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Meeting cancelled."))
            return redirect(_next(request, event))
    return _render(
        request, event, form, _("Cancel a meeting"), meeting.request, meeting, _("Cancel a meeting")
    )
