"""Front office: the feedback form reached from the link of an invitation (a random token:
no login needed, one answer per form). Thin view: the rules live in services/feedback.py."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from civitas.core.permissions import public

from ..models import Invitation
from ..services import ServiceError
from ..services import feedback as svc


@public
def answer(request, slug, token):
    inv = get_object_or_404(
        Invitation.objects.select_related(
            "survey__event", "representative__company", "meeting__slot"
        ),
        token=token,
        survey__event__slug=slug,
    )
    error = None
    if request.method == "POST" and inv.answered_at is None:
        try:
            svc.answer(inv, request.POST)
        except ServiceError as exc:
            error = str(exc)
        else:
            messages.success(request, str(svc.THANKS))
            return redirect(request.path)
    return render(
        request,
        "events/feedback/answer.html",
        {
            "inv": inv,
            "event": inv.survey.event,
            "questions": inv.survey.questions.all(),
            "error": error,
            "posted": request.POST if request.method == "POST" else {},
        },
    )


urlpatterns = [
    path("evenements/<slug:slug>/avis/<str:token>/", answer, name="feedback_answer"),
]
