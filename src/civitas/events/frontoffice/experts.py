"""Front office of expert meetings: public expert profiles, requests from the participant
area, the expert's own agenda."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.permissions import login_required, public

from ..models import Company, Event, Expert, ExpertMeeting
from ..services import ServiceError
from ..services import experts as svc
from ..services import meetings as meeting_services
from .closed import minisite_open
from .forms import ExpertRequestForm


@public
@minisite_open
def expert_detail(request, slug, pk):
    event = get_object_or_404(Event, slug=slug, is_published=True)
    expert = get_object_or_404(
        Expert.objects.prefetch_related("fields", "sought_sectors", "sessions__day"),
        pk=pk,
        event=event,
        is_public=True,
    )
    me = meeting_services.representative_for(request.user, event)
    return render(
        request,
        "events/experts/public_detail.html",
        {
            "event": event,
            "expert": expert,
            "can_request": me is not None and me.company.status == Company.Status.VALIDATED,
            "places_left": svc.places_left(expert),
        },
    )


def _me(request, slug):
    event = get_object_or_404(Event, slug=slug)
    return event, meeting_services.representative_for(request.user, event)


def _not_registered(request, event):
    return render(request, "events/area/not_registered.html", {"event": event})


@login_required
def area_experts(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    mine = (
        ExpertMeeting.objects.filter(representative=me)
        .select_related("expert", "topic")
        .order_by("-created_at")
    )
    taken = {em.expert_id for em in mine if em.state in ExpertMeeting.OPEN_STATES}
    experts = [
        (e, svc.places_left(e), e.pk in taken)
        for e in Expert.objects.filter(event=event, absent=False)
        .prefetch_related("fields")
        .order_by("last_name", "first_name")
    ]
    return render(
        request,
        "events/experts/area_list.html",
        {
            "event": event,
            "me": me,
            "experts": experts,
            "mine": mine,
            "validated": me.company.status == Company.Status.VALIDATED,
        },
    )


@login_required
def area_expert_request(request, slug, pk):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    expert = get_object_or_404(Expert.objects.prefetch_related("fields"), pk=pk, event=event)
    form = ExpertRequestForm(request.POST or None, expert=expert)
    if request.method == "POST" and form.is_valid():
        try:
            em = svc.request_meeting(
                me, expert, form.cleaned_data["message"], form.cleaned_data["topic"]
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if em.state == ExpertMeeting.State.SCHEDULED:
                messages.success(request, _("Your meeting is scheduled: see your agenda."))
            else:
                messages.success(
                    request,
                    _("Your request is recorded: the organisers will let you know."),
                )
            return redirect("events:area_experts", slug=slug)
    return render(
        request,
        "events/experts/area_request.html",
        {"event": event, "expert": expert, "form": form, "places_left": svc.places_left(expert)},
    )


@login_required
@require_POST
def area_expert_cancel(request, slug, pk):
    event, me = _me(request, slug)
    if me is None:
        raise Http404
    em = get_object_or_404(ExpertMeeting, pk=pk, event=event, representative=me)
    try:
        svc.cancel_meeting(em, me)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Cancelled: the expert and the organisers are told."))
    return redirect("events:area_experts", slug=slug)


@login_required
def expert_agenda(request, slug):
    """The expert's own agenda (their user account is linked to their expert profile)."""
    event = get_object_or_404(Event, slug=slug)
    expert = svc.expert_for(request.user, event)
    if expert is None:
        raise Http404
    return render(
        request,
        "events/experts/expert_agenda.html",
        {"event": event, "expert": expert, "days": svc.agenda_of_expert(expert)},
    )
