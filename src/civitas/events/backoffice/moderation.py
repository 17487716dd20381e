"""Back office: what awaits validation in an event (companies, representatives, offers)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.params import int_param
from civitas.core.permissions import scoped_permission_required

from ..models import Company, Event, Offer, Representative
from ..services import ServiceError, moderation, registration
from . import confirm
from .forms import RejectForm

KINDS = {"company": Company, "representative": Representative, "offer": Offer}


def _ids(request, name):
    return [n for n in map(int_param, request.POST.getlist(name)) if n is not None]


@scoped_permission_required("events.validate_registrations", Event)
def to_validate(request, pk):
    event = request.event
    if request.method == "POST":
        companies = _ids(request, "company")
        # Validating a company mails its representatives: say how many before doing it.
        mailed = Representative.objects.filter(
            company__event=event, company__pk__in=companies, company__status="registered"
        ).count()
        if mailed and not confirm.confirmed(request):
            return confirm.page(
                request,
                event,
                count=mailed,
                title=_("Validate the ticked items"),
                what=_(
                    "Each representative of the validated companies receives the message "
                    "that their registration is validated."
                ),
                submit=_("Validate and send the messages"),
                back=request.path,
            )
        n = moderation.bulk_validate(
            event,
            companies=_ids(request, "company"),
            representatives=_ids(request, "representative"),
            offers=_ids(request, "offer"),
            request=request,
        )
        if n:
            messages.success(request, _("%(n)s items validated.") % {"n": n})
        else:
            messages.error(request, _("Tick the items to validate."))
        return redirect("events:bo_to_validate", pk=pk)
    return render(
        request,
        "events/moderation/to_validate.html",
        {"event": event, "pending": moderation.pending(event)},
    )


def _item(event, kind, item_pk):
    model = KINDS.get(kind)
    if model is None:
        raise Http404
    if kind == "company":
        return get_object_or_404(Company, pk=item_pk, event=event)
    return get_object_or_404(model, pk=item_pk, company__event=event)


@scoped_permission_required("events.validate_registrations", Event)
@require_POST
def validate(request, pk, kind, item_pk):
    event = request.event
    item = _item(event, kind, item_pk)
    try:
        if kind == "company":
            registration.validate_registration(item, request=request)
        else:
            moderation.validate_item(kind, item.pk, event, request=request)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(item)s is validated.") % {"item": item})
    return redirect("events:bo_to_validate", pk=pk)


@scoped_permission_required("events.validate_registrations", Event)
def reject(request, pk, kind, item_pk):
    event = request.event
    item = _item(event, kind, item_pk)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if kind == "company":
                moderation.reject_company(item, reason, request=request)
            else:
                moderation.reject_item(kind, item.pk, event, reason, request=request)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("%(item)s is rejected; the participant is told why.") % {"item": item}
            )
            return redirect("events:bo_to_validate", pk=pk)
    return render(
        request,
        "events/moderation/reject.html",
        {"event": event, "form": form, "item": item, "kind": kind},
    )
