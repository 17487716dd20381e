"""Back office: mailing to a filtered set of an event's participants (through the outbox)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateSyntaxError
from django.utils.translation import gettext as _

from civitas.core.outbox import services as outbox
from civitas.core.permissions import scoped_permission_required

from ..models import Company, Event
from ..services import ServiceError
from ..services import mailing as svc
from . import confirm
from .forms import FilterForm, MailingForm

PERM = "events.send_mailings"


def _initial():
    return {"status": [Company.Status.VALIDATED]}


@scoped_permission_required(PERM, Event)
def mailing_list(request, pk):
    event = request.event
    page = Paginator(svc.event_mailings(event), 30).get_page(request.GET.get("page"))
    return render(request, "events/mailing/list.html", {"event": event, "page": page})


@scoped_permission_required(PERM, Event)
def mailing_new(request, pk):
    event = request.event
    form = MailingForm(request.POST or None, event=event, initial=_initial())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        count = svc.count(event, form.params()) if "send" in request.POST else 0
        # Nobody to write to: the sending itself says so (no confirmation of nothing).
        if count and not confirm.confirmed(request):
            return confirm.page(
                request,
                event,
                count=count,
                title=_("Send the mailing “%(s)s”") % {"s": data["subject"]},
                what=_(
                    "People who unsubscribed from this event’s news are skipped unless it "
                    "is a service message."
                ),
                submit=_("Send the mailing"),
                back=request.path,
            )
        if "send" in request.POST:
            try:
                mailings = svc.send(
                    event,
                    form.params(),
                    subject=data["subject"],
                    body=data["body"],
                    subject_en=data["subject_en"],
                    body_en=data["body_en"],
                    essential=data["essential"],
                    user=request.user,
                    request=request,
                )
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The mailing is being sent."))
                return redirect("events:bo_mailing", pk=event.pk, mailing_pk=mailings[0].pk)
    preview = _preview(event, request.POST if form.is_bound else None)
    return render(
        request,
        "events/mailing/new.html",
        {"event": event, "form": form, "preview": preview},
    )


def _preview(event, data):
    """Count, first recipients and rendered text for the submitted (or default) filters;
    computed even when the rest of the form has errors, so the organiser keeps seeing it."""
    form = FilterForm(data, event=event) if data is not None else None
    if form is not None and form.is_valid():
        params = form.params()
    else:
        params = {"event": event.pk, "status": [Company.Status.VALIDATED]}
    data = data or {}
    subject, body = data.get("subject", ""), data.get("body", "")
    try:
        return svc.preview(event, params, subject, body)
    except TemplateSyntaxError as exc:
        return {"count": svc.count(event, params), "first": [], "error": str(exc)}


@scoped_permission_required(PERM, Event)
def mailing_preview(request, pk):
    """HTMX: live count, first recipients and rendered text while the form is filled in."""
    event = request.event
    preview = _preview(event, request.POST or request.GET or None)
    return render(request, "events/mailing/_preview.html", {"event": event, "preview": preview})


@scoped_permission_required(PERM, Event)
def mailing_detail(request, pk, mailing_pk):
    event = request.event
    mailing = get_object_or_404(svc.event_mailings(event), pk=mailing_pk)
    context = {
        "event": event,
        "mailing": mailing,
        "progress": outbox.mailing_progress(mailing),
    }
    if request.htmx:
        return render(request, "events/mailing/_progress.html", context)
    return render(request, "events/mailing/detail.html", context)
