"""Back office: the organiser moves one scheduled expert meeting by hand."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civitas.core.permissions import scoped_permission_required

from ..models import Event, Expert, ExpertMeeting
from ..services import ServiceError
from ..services import expert_moves as svc
from .forms import MoveForm, time_range_label
from .manual import _next


@scoped_permission_required("events.manage_meetings", Event)
def expert_meeting_move(request, pk, meeting_pk):
    event = request.event
    em = get_object_or_404(
        ExpertMeeting.objects.select_related("expert", "representative__company", "topic"),
        pk=meeting_pk,
        event=event,
        state=ExpertMeeting.State.SCHEDULED,
    )
    old_expert_pk = em.expert_id
    form = MoveForm(request.POST or None, em=em, options=svc.move_options(em))
    if request.method == "POST" and form.is_valid():
        expert_pk, start = form.cleaned_data["target"]
        expert = get_object_or_404(Expert, pk=expert_pk, event=event)
        try:
            em = svc.move_meeting(em, expert, start, request=request)
        except ServiceError as exc:
            form.add_error("target", str(exc))
        else:
            messages.success(
                request,
                _("Meeting moved: %(expert)s, %(when)s. The participant and the experts are told.")
                % {"expert": em.expert.full_name, "when": time_range_label(em.start, em.end)},
            )
            if request.POST.get("next") or request.GET.get("next"):
                return redirect(_next(request, event))
            return redirect("events:bo_expert_agenda", pk=pk, expert_pk=old_expert_pk)
    return render(
        request,
        "events/experts/bo_move.html",
        {"event": event, "em": em, "form": form, "next": request.GET.get("next", "")},
    )
