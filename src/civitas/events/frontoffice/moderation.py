"""Participant area: adding a colleague (who waits for the organisers' validation)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civitas.core.permissions import login_required

from ..forms import RepresentativeForm
from ..models import Company, Event
from ..services import ServiceError, moderation
from ..services import meetings as meeting_services


@login_required
def area_representative_new(request, slug):
    event = get_object_or_404(Event, slug=slug)
    me = meeting_services.representative_for(request.user, event)
    if me is None:
        return render(request, "events/area/not_registered.html", {"event": event})
    form = RepresentativeForm(request.POST or None, event=event, prefix="rep")
    if request.method == "POST" and form.is_valid():
        try:
            moderation.add_representative(
                form.save(commit=False),
                by=me,
                absent_sessions=form.cleaned_data.get("absent_sessions"),
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if me.company.status == Company.Status.VALIDATED:
                messages.success(
                    request,
                    _("Representative added: visible once the organisers have validated them."),
                )
            else:
                messages.success(request, _("Representative added."))
            return redirect("events:area_home", slug=slug)
    return render(
        request,
        "events/area/form.html",
        {"event": event, "form": form, "title": _("Add a representative"), "multipart": False},
    )
