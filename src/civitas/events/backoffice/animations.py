"""Back office: the animations of an event (workshops, conferences, trainings, round
tables), their speakers, registrations, waiting lists and fill rates. Thin views: the rules
live in services/animations.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core import journal
from civitas.core.permissions import has_perm, scoped_permission_required

from ..models import Animation, AnimationRegistration, Event, Speaker
from ..services import ServiceError
from ..services import animations as svc
from .animation_forms import (
    AddParticipantForm,
    AnimationForm,
    ReasonForm,
    ReasonRequiredForm,
    SpeakerForm,
    TransferForm,
)

S = AnimationRegistration.Status


def _animation(event, animation_pk) -> Animation:
    return get_object_or_404(
        Animation.objects.select_related("room", "site", "person_in_charge"),
        pk=animation_pk,
        event=event,
    )


@scoped_permission_required("events.view_registrations", Event)
def animation_list(request, pk):
    event = request.event
    fill = svc.event_fill(event)
    cancelled = event.animations.filter(status=Animation.Status.CANCELLED)
    return render(
        request,
        "events/animations/bo_list.html",
        {
            "event": event,
            "fill": fill,
            "cancelled": cancelled,
            "can_manage": has_perm(request.user, "events.manage_event", event),
        },
    )


def _edit(request, event, animation):
    form = AnimationForm(request.POST or None, instance=animation, event=event)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.event = event
        try:
            changed = svc.save_animation(obj, request=request)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if set(changed) & set(svc.TOLD_FIELDS):
                messages.success(request, _("Saved. The people registered are told."))
            else:
                messages.success(request, _("Saved."))
            return redirect("events:bo_animation_registrations", pk=event.pk, animation_pk=obj.pk)
    title = str(animation) if animation.pk else _("New animation")
    return render(
        request,
        "events/animations/bo_form.html",
        {"form": form, "title": title, "event": event, "animation": animation},
    )


@scoped_permission_required("events.manage_event", Event)
def animation_create(request, pk):
    event = request.event
    return _edit(request, event, Animation(event=event))


@scoped_permission_required("events.manage_event", Event)
def animation_edit(request, pk, animation_pk):
    event = request.event
    return _edit(request, event, _animation(event, animation_pk))


@scoped_permission_required("events.manage_event", Event)
def speaker_edit(request, pk, animation_pk, speaker_pk=None):
    event = request.event
    animation = _animation(event, animation_pk)
    speaker = (
        get_object_or_404(Speaker, pk=speaker_pk, animation=animation)
        if speaker_pk
        else Speaker(animation=animation)
    )
    form = SpeakerForm(request.POST or None, request.FILES or None, instance=speaker)
    if request.method == "POST":
        if speaker.pk and request.POST.get("delete"):
            journal.record("events.speaker_deleted", request=request, obj=speaker)
            speaker.delete()
            messages.success(request, _("Speaker removed."))
            return redirect("events:bo_animation_edit", pk=event.pk, animation_pk=animation.pk)
        if form.is_valid():
            form.save()
            messages.success(request, _("Saved."))
            return redirect("events:bo_animation_edit", pk=event.pk, animation_pk=animation.pk)
    return render(
        request,
        "events/animations/bo_speaker.html",
        {"form": form, "event": event, "animation": animation, "speaker": speaker},
    )


@scoped_permission_required("events.view_registrations", Event)
def animation_registrations(request, pk, animation_pk):
    event = request.event
    animation = _animation(event, animation_pk)
    regs = list(
        animation.registrations.select_related(
            "representative__company", "transferred_to"
        ).order_by("created_at", "pk")
    )
    waiting = [r for r in regs if r.status == S.WAITING]
    return render(
        request,
        "events/animations/bo_registrations.html",
        {
            "event": event,
            "animation": animation,
            "avail": svc.availability(animation),
            "seated": [r for r in regs if r.status in AnimationRegistration.SEATED],
            "waiting": list(enumerate(waiting, start=1)),
            "ended": [r for r in regs if r.status not in AnimationRegistration.ACTIVE],
            "add_form": AddParticipantForm(animation=animation),
            "can_manage": has_perm(request.user, "events.manage_event", event),
            "place": svc.place_label(animation),
            "when": svc.when_label(animation),
        },
    )


@scoped_permission_required("events.manage_event", Event)
@require_POST
def animation_add_participant(request, pk, animation_pk):
    event = request.event
    animation = _animation(event, animation_pk)
    form = AddParticipantForm(request.POST, animation=animation)
    if not form.is_valid():
        messages.error(request, _("Choose a participant of the event."))
    else:
        try:
            reg = svc.register(
                animation, form.cleaned_data["representative"], by_organiser=True, request=request
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, reg.get_status_display())
    return redirect("events:bo_animation_registrations", pk=event.pk, animation_pk=animation.pk)


@scoped_permission_required("events.manage_event", Event)
def animation_status(request, pk, animation_pk, action):
    """Close (reason required), reopen or cancel (everyone told) an animation."""
    event = request.event
    animation = _animation(event, animation_pk)
    if action not in ("close", "reopen", "cancel"):
        return HttpResponse(status=404)
    form_class = ReasonRequiredForm if action == "close" else ReasonForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data.get("reason", "")
        try:
            if action == "close":
                svc.close(animation, reason=reason, request=request)
                messages.success(request, _("The animation is closed."))
            elif action == "reopen":
                svc.reopen(animation, request=request)
                messages.success(request, _("The animation is open again."))
            else:
                n = svc.cancel_animation(animation, reason=reason, request=request)
                messages.success(
                    request,
                    _("The animation is cancelled; %(n)s people are told by mail and SMS.")
                    % {"n": n},
                )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(
                "events:bo_animation_registrations", pk=event.pk, animation_pk=animation.pk
            )
    titles = {
        "close": _("Close registrations"),
        "reopen": _("Reopen registrations"),
        "cancel": _("Cancel the animation"),
    }
    return render(
        request,
        "events/animations/bo_action.html",
        {
            "event": event,
            "animation": animation,
            "form": form if action != "reopen" else None,
            "title": titles[action],
            "action": action,
            "avail": svc.availability(animation),
        },
    )


def _registration(animation, reg_pk):
    return get_object_or_404(
        AnimationRegistration.objects.select_related("representative__company", "animation"),
        pk=reg_pk,
        animation=animation,
    )


@scoped_permission_required("events.manage_event", Event)
def registration_cancel(request, pk, animation_pk, reg_pk):
    event = request.event
    animation = _animation(event, animation_pk)
    reg = _registration(animation, reg_pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.cancel_registration(reg, reason=form.cleaned_data["reason"], request=request)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The registration is cancelled; the person is told."))
            return redirect(
                "events:bo_animation_registrations", pk=event.pk, animation_pk=animation.pk
            )
    return render(
        request,
        "events/animations/bo_registration_action.html",
        {
            "event": event,
            "animation": animation,
            "reg": reg,
            "form": form,
            "title": _("Cancel a registration"),
        },
    )


@scoped_permission_required("events.manage_event", Event)
def registration_transfer(request, pk, animation_pk, reg_pk):
    event = request.event
    animation = _animation(event, animation_pk)
    reg = _registration(animation, reg_pk)
    form = TransferForm(request.POST or None, registration=reg)
    if request.method == "POST" and form.is_valid():
        try:
            new = svc.transfer(reg, form.cleaned_data["target"], request=request)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Transferred: %(status)s at %(animation)s.")
                % {"status": new.get_status_display(), "animation": new.animation},
            )
            return redirect(
                "events:bo_animation_registrations", pk=event.pk, animation_pk=animation.pk
            )
    return render(
        request,
        "events/animations/bo_registration_action.html",
        {
            "event": event,
            "animation": animation,
            "reg": reg,
            "form": form,
            "title": _("Transfer a registration"),
        },
    )


@scoped_permission_required("events.view_registrations", Event)
def training_agreement(request, pk, animation_pk, reg_pk):
    from civitas.core.documents.pdf import pdf_response

    event = request.event
    animation = _animation(event, animation_pk)
    reg = _registration(animation, reg_pk)
    try:
        content = svc.training_agreement(reg)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("events:bo_animation_registrations", pk=event.pk, animation_pk=animation.pk)
    journal.record("events.training_agreement_printed", request=request, obj=reg)
    return pdf_response(content, f"convention-{animation.pk}-{reg.pk}.pdf")
