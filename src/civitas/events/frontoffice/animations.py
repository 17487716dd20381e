"""Participant area: the animations of the event (workshops, conferences, trainings, round
tables): register, join the waiting list, confirm an offered seat, leave."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.permissions import login_required

from ..models import Animation, AnimationRegistration
from ..services import ServiceError
from ..services import animations as svc
from .views import _me, _not_registered


def visible_animations(event, me=None):
    """Animations a participant sees: public ones, and those they are invited to."""
    qs = event.animations.exclude(status=Animation.Status.CANCELLED)
    if me is None:
        return qs.filter(public=True)
    return qs.filter(Q(public=True) | Q(invited=me)).distinct()


@login_required
def area_animations(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    mine = {
        r.animation_id: r
        for r in me.animation_registrations.filter(status__in=AnimationRegistration.ACTIVE)
    }
    rows = [
        (a, svc.availability(a), mine.get(a.pk))
        for a in visible_animations(event, me)
        .select_related("room", "site")
        .prefetch_related("speakers")
    ]
    return render(
        request,
        "events/animations/area_list.html",
        {"event": event, "me": me, "rows": rows},
    )


@login_required
@require_POST
def area_animation_register(request, slug, pk):
    event, me = _me(request, slug)
    if me is None:
        raise Http404
    animation = get_object_or_404(visible_animations(event, me), pk=pk)
    try:
        reg = svc.register(animation, me)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        if reg.status == AnimationRegistration.Status.WAITING:
            messages.success(request, _("This animation is full: you are on its waiting list."))
        else:
            messages.success(request, _("You are registered."))
    return redirect("events:area_animations", slug=slug)


def _my_registration(me, pk):
    reg = get_object_or_404(AnimationRegistration.objects.select_related("animation"), pk=pk)
    if reg.representative_id != me.pk:
        raise Http404
    return reg


@login_required
@require_POST
def area_animation_leave(request, slug, pk):
    event, me = _me(request, slug)
    if me is None:
        raise Http404
    try:
        svc.leave(_my_registration(me, pk), me)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("events:area_animations", slug=slug)


@login_required
@require_POST
def area_animation_confirm(request, slug, pk):
    event, me = _me(request, slug)
    if me is None:
        raise Http404
    try:
        svc.confirm_offer(_my_registration(me, pk), me)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your seat is confirmed."))
    return redirect("events:area_animations", slug=slug)
