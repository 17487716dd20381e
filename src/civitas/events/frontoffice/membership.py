"""Participant area: an existing account confirms it joins the company that gave its address
(the link mailed by services/membership.py)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civitas.core.permissions import login_required

from ..models import Event
from ..services import ServiceError, membership


@login_required
def join_company(request, slug, token):
    event = get_object_or_404(Event, slug=slug)
    try:
        if request.method == "POST":
            membership.confirm(slug, token, request.user, request=request)
            messages.success(request, _("Your account now represents your company."))
            return redirect("events:area_home", slug=event.slug)
        rep = membership.check(slug, token, request.user)
    except ServiceError as exc:
        return render(
            request,
            "events/area/join_company.html",
            {"event": event, "error": str(exc)},
            status=getattr(exc, "status", 400),
        )
    if rep.user_id == request.user.pk:
        return redirect("events:area_home", slug=event.slug)
    return render(
        request, "events/area/join_company.html", {"event": event, "rep": rep, "token": token}
    )
