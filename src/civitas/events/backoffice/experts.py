"""Back office of expert meetings; every view is scoped to one event."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.permissions import has_perm, scoped_permission_required

from ..models import Event, Expert, ExpertAbsence, ExpertMeeting
from ..services import ServiceError
from ..services import experts as svc
from .forms import AbsenceForm, CandidatesForm, ExpertForm


def _expert(event, expert_pk) -> Expert:
    return get_object_or_404(Expert, pk=expert_pk, event=event)


@scoped_permission_required("events.view_registrations", Event)
def expert_list(request, pk):
    event = request.event
    experts = (
        Expert.objects.filter(event=event)
        .prefetch_related("fields")
        .annotate(
            n_scheduled=Count("meetings", filter=Q(meetings__state="scheduled")),
            n_candidates=Count("meetings", filter=Q(meetings__state="candidate")),
        )
    )
    return render(
        request,
        "events/experts/bo_list.html",
        {
            "event": event,
            "experts": experts,
            "absences": ExpertAbsence.objects.filter(event=event).select_related("expert", "day"),
            "can_manage": has_perm(request.user, "events.manage_event", event),
            "can_meetings": has_perm(request.user, "events.manage_meetings", event),
        },
    )


def _edit(request, event, expert):
    form = ExpertForm(request.POST or None, request.FILES or None, instance=expert, event=event)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.event = event
        try:
            svc.save_expert(
                obj,
                fields=form.cleaned_data["fields"],
                sessions=form.cleaned_data["sessions"],
                sought_sectors=form.cleaned_data["sought_sectors"],
                request=request,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("events:bo_experts", pk=event.pk)
    title = _("Expert %(name)s") % {"name": expert.full_name} if expert.pk else _("New expert")
    return render(
        request,
        "events/backoffice/form.html",
        {"form": form, "title": title, "event": event, "multipart": True},
    )


@scoped_permission_required("events.manage_event", Event)
def expert_create(request, pk):
    event = request.event
    return _edit(request, event, Expert(event=event))


@scoped_permission_required("events.manage_event", Event)
def expert_edit(request, pk, expert_pk):
    event = request.event
    return _edit(request, event, _expert(event, expert_pk))


@scoped_permission_required("events.manage_meetings", Event)
def expert_candidates(request, pk, expert_pk):
    event = request.event
    expert = _expert(event, expert_pk)
    if request.method == "POST":
        form = CandidatesForm(request.POST, expert=expert)
        if form.is_valid():
            try:
                result = svc.assign_candidates(
                    expert, [c.pk for c in form.cleaned_data["chosen"]], request=request
                )
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("%(c)s meetings placed, %(n)s candidates not retained; all are told.")
                    % {"c": len(result["chosen"]), "n": len(result["not_retained"])},
                )
                return redirect("events:bo_expert_agenda", pk=pk, expert_pk=expert.pk)
    else:
        form = CandidatesForm(initial={"chosen": svc.proposal(expert)}, expert=expert)
    return render(
        request,
        "events/experts/bo_candidates.html",
        {
            "event": event,
            "expert": expert,
            "form": form,
            "n_candidates": form.fields["chosen"].queryset.count(),
            "scheduled": svc.scheduled_count(expert),
            "places_left": svc.places_left(expert),
            "n_times": len(svc.expert_times(expert)),
        },
    )


@scoped_permission_required("events.manage_meetings", Event)
def expert_absence(request, pk, expert_pk):
    event = request.event
    expert = _expert(event, expert_pk)
    form = AbsenceForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            absence = svc.mark_absent(expert, form.cleaned_data["day"], request=request)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("events:bo_expert_absence_report", pk=pk, absence_pk=absence.pk)
    return render(
        request,
        "events/experts/bo_absence.html",
        {
            "event": event,
            "expert": expert,
            "form": form,
            "n_meetings": svc.scheduled_count(expert),
        },
    )


@scoped_permission_required("events.view_registrations", Event)
def expert_absence_report(request, pk, absence_pk):
    event = request.event
    absence = get_object_or_404(
        ExpertAbsence.objects.select_related("expert", "day"), pk=absence_pk, event=event
    )
    return render(
        request,
        "events/experts/bo_absence_report.html",
        {"event": event, "absence": absence, "report": svc.absence_report(absence)},
    )


@scoped_permission_required("events.view_registrations", Event)
def expert_agenda(request, pk, expert_pk):
    event = request.event
    expert = _expert(event, expert_pk)
    return render(
        request,
        "events/experts/bo_agenda.html",
        {
            "event": event,
            "expert": expert,
            "days": svc.agenda_of_expert(expert),
            "can_cancel": has_perm(request.user, "events.manage_meetings", event),
        },
    )


@scoped_permission_required("events.manage_meetings", Event)
@require_POST
def expert_meeting_cancel(request, pk, meeting_pk):
    event = request.event
    em = get_object_or_404(ExpertMeeting, pk=meeting_pk, event=event)
    try:
        svc.cancel_meeting(em, None, _("Cancelled by the organisers."), request=request)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Cancelled: the participant and the expert are told."))
    return redirect("events:bo_expert_agenda", pk=pk, expert_pk=em.expert_id)
