"""Back office: place, move and cancel meetings by hand (from the requests overview and a
participant's agenda). Thin views: the rules live in services/manual.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core.permissions import scoped_permission_required

from ..models import Event, Meeting, MeetingRequest, Room, Slot
from ..services import ServiceError
from ..services import manual as manual_svc


def _next(request, event) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("events:bo_requests", kwargs={"pk": event.pk})


class SlotField(forms.ModelChoiceField):
    def __init__(self, *args, notes=None, **kwargs):
        self.notes = notes or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, slot):
        start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
        label = f"{start:%d/%m/%Y %H:%M}–{end:%H:%M} · {slot.session.name}"
        note = self.notes.get(slot.pk)
        return f"{label} — {note}" if note else label


class PlacementForm(forms.Form):
    slot = SlotField(queryset=Slot.objects.none(), label=gettext_lazy("Slot"))
    room = forms.ModelChoiceField(
        queryset=Room.objects.none(),
        required=False,
        label=gettext_lazy("Room"),
        empty_label=gettext_lazy("First free table in any room"),
    )
    table = forms.IntegerField(
        required=False,
        min_value=1,
        label=gettext_lazy("Table"),
        help_text=gettext_lazy("Leave empty for the first free table of the room."),
    )
    publish = forms.BooleanField(
        required=False,
        initial=True,
        label=gettext_lazy("Publish now and tell both parties (e-mail and SMS)"),
        help_text=gettext_lazy("Otherwise the meeting stays a draft until the next publication."),
    )

    def __init__(self, *args, event, req, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = Slot.objects.filter(
            session__day__event=event
        ).select_related("session")
        self.fields["slot"].notes = _slot_notes(req, meeting)
        self.fields["room"].queryset = Room.objects.filter(site__event=event).select_related("site")
        if meeting is not None:
            del self.fields["publish"]
            self.fields["slot"].initial = meeting.slot_id


def _slot_notes(req, meeting=None) -> dict:
    """What makes a slot impossible for these two people, shown in the slot list."""
    reps = {req.sender_id: req.sender, req.recipient_id: req.recipient}
    notes: dict[int, list[str]] = {}
    busy = (
        Meeting.objects.filter(state=Meeting.State.SCHEDULED)
        .filter(Q(request__sender_id__in=reps) | Q(request__recipient_id__in=reps))
        .exclude(request=req)
        .values_list("slot_id", "request__sender_id", "request__recipient_id")
    )
    for slot_id, s, r in busy:
        for rep_id in (s, r):
            if rep_id in reps:
                notes.setdefault(slot_id, []).append(
                    _("%(name)s busy") % {"name": reps[rep_id].full_name}
                )
    for rep in reps.values():
        for slot_id in Slot.objects.filter(session__absent_representatives=rep).values_list(
            "pk", flat=True
        ):
            notes.setdefault(slot_id, []).append(_("%(name)s absent") % {"name": rep.full_name})
    if meeting is not None:
        notes.setdefault(meeting.slot_id, []).insert(0, _("current slot"))
    return {k: ", ".join(v) for k, v in notes.items()}


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=300,
        help_text=gettext_lazy("Sent to both parties if the meeting was published."),
    )
    close_request = forms.BooleanField(
        required=False,
        label=gettext_lazy("The two parties no longer want to meet: close the request too"),
        help_text=gettext_lazy(
            "Otherwise the request stays confirmed and waits for a new place (by hand or "
            "with the incremental fill)."
        ),
    )


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
                meeting, data["slot"], room=data["room"], table=data["table"], request=request
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
            manual_svc.cancel_meeting(
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
