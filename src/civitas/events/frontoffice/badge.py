"""Participant area on the event day: the electronic badge (phone screen and a phone-sized
PDF) and "was this meeting held?" for each meeting that has started."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from civitas.core.documents.pdf import pdf_response
from civitas.core.params import int_param
from civitas.core.permissions import login_required

from ..models import Event, Meeting
from ..services import ServiceError, badges, checkin
from ..services import meetings as meeting_services


def _me(request, slug):
    event = get_object_or_404(Event, slug=slug)
    return event, meeting_services.representative_for(request.user, event)


@login_required
def area_badge(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return render(request, "events/area/not_registered.html", {"event": event})
    return render(request, "events/area/badge.html", {**badges.electronic(me), "me": me})


@login_required
def area_badge_pdf(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return render(request, "events/area/not_registered.html", {"event": event})
    if not badges.electronic(me)["valid"]:
        messages.error(request, _("Your badge is available once your registration is validated."))
        return redirect("events:area_badge", slug=slug)
    return pdf_response(badges.wallet_pdf(me), badges.badge_file_name(event, me))


@login_required
def area_meetings_held(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return render(request, "events/area/not_registered.html", {"event": event})
    if request.method == "POST":
        meeting = get_object_or_404(
            Meeting.objects.select_related("request", "slot"),
            pk=int_param(request.POST.get("meeting")) or 0,
            event=event,
            published=True,
        )
        answer = request.POST.get("held")
        try:
            if answer == "yes":
                checkin.confirm_held(meeting, by_rep=me)
                messages.success(request, _("Recorded: the meeting was held."))
            elif answer == "no":
                checkin.report_not_held(meeting, by_rep=me)
                messages.success(request, _("Recorded: the meeting was not held."))
            else:
                messages.error(request, _("Choose “Held” or “Not held”."))
        except ServiceError as exc:
            messages.error(request, str(exc))
        return redirect("events:area_meetings_held", slug=slug)
    return render(
        request,
        "events/area/meetings_held.html",
        {"event": event, "me": me, "items": checkin.meetings_to_confirm(me)},
    )


urlpatterns = [
    path("espace/evenements/<slug:slug>/badge/", area_badge, name="area_badge"),
    path("espace/evenements/<slug:slug>/badge.pdf", area_badge_pdf, name="area_badge_pdf"),
    path(
        "espace/evenements/<slug:slug>/rendez-vous-tenus/",
        area_meetings_held,
        name="area_meetings_held",
    ),
]
