"""Corrections of a registration by the organisers: the company, its representatives (add,
edit address, phone and sessions, remove), its offers and requests (add, edit, remove), and
the download of an offer's attachment. Thin views over services/registration.py."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import journal
from civitas.core.permissions import scoped_permission_required

from ..forms import CompanyForm, RepresentativeForm
from ..frontoffice.forms import OfferForm
from ..models import Company, Event, MeetingRequest, Offer, Representative
from ..services import ServiceError, availability, registration

PERMISSION = "events.validate_registrations"


def _company(request, company_pk):
    return get_object_or_404(Company, pk=company_pk, event=request.event)


@scoped_permission_required(PERMISSION, Event)
def company_edit(request, pk, company_pk):
    event = request.event
    company = _company(request, company_pk)
    form = CompanyForm(request.POST or None, instance=company, event=event, prefix="company")
    if request.method == "POST" and form.is_valid():
        try:
            registration.organiser_update_company(form.save(commit=False), request=request)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The company's data are saved."))
            return redirect("events:bo_registration", pk=pk, company_pk=company.pk)
    return render(
        request,
        "events/backoffice/registration_edit.html",
        {
            "event": event,
            "company": company,
            "form": form,
            "title": _("Correct the company %(c)s") % {"c": company.name},
        },
    )


@scoped_permission_required(PERMISSION, Event)
def representative_edit(request, pk, company_pk, rep_pk=None):
    event = request.event
    company = _company(request, company_pk)
    if rep_pk is None:
        rep = Representative(company=company)
        title = _("Add a representative to %(c)s") % {"c": company.name}
    else:
        rep = get_object_or_404(Representative, pk=rep_pk, company=company)
        title = _("Correct the representative %(r)s") % {"r": rep.full_name}
    form = RepresentativeForm(request.POST or None, instance=rep, event=event, prefix="rep")
    to_confirm = None
    if request.method == "POST" and form.is_valid():
        try:
            registration.organiser_save_representative(
                form.save(commit=False),
                absent_sessions=form.cleaned_data.get("absent_sessions"),
                confirmed=request.POST.get("confirm") == "1",
                actor=request.user,
                request=request,
            )
        except availability.NeedsConfirmation as exc:
            to_confirm = [(m, m.request.other(rep)) for m in exc.meetings]
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The representative is saved."))
            return redirect("events:bo_registration", pk=pk, company_pk=company.pk)
    return render(
        request,
        "events/backoffice/registration_edit.html",
        {
            "event": event,
            "company": company,
            "form": form,
            "title": title,
            "email_notice": rep.pk is not None,
            "to_confirm": to_confirm,
            "keep_url": request.path,
        },
    )


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept in the journal)"),
        max_length=300,
        widget=forms.TextInput(attrs={"size": 60}),
    )


@scoped_permission_required(PERMISSION, Event)
def representative_remove(request, pk, company_pk, rep_pk):
    event = request.event
    company = _company(request, company_pk)
    rep = get_object_or_404(Representative, pk=rep_pk, company=company)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            n = registration.organiser_remove_representative(
                rep, reason=form.cleaned_data["reason"], actor=request.user, request=request
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(r)s is removed; %(n)s open requests cancelled, partners told.")
                % {"r": rep.full_name, "n": n},
            )
            return redirect("events:bo_registration", pk=pk, company_pk=company.pk)
    return render(
        request,
        "events/backoffice/representative_remove.html",
        {
            "event": event,
            "company": company,
            "rep": rep,
            "form": form,
            "open_requests": MeetingRequest.objects.filter(
                Q(sender=rep) | Q(recipient=rep), state__in=MeetingRequest.OPEN_STATES
            ).count(),
        },
    )


@scoped_permission_required(PERMISSION, Event)
def offer_edit(request, pk, company_pk, offer_pk=None):
    event = request.event
    company = _company(request, company_pk)
    if offer_pk is None:
        offer = Offer(company=company)
        title = _("Add an offer or request to %(c)s") % {"c": company.name}
    else:
        offer = get_object_or_404(Offer, pk=offer_pk, company=company)
        title = _("Correct the offer or request %(o)s") % {"o": offer.title}
    form = OfferForm(
        request.POST or None, request.FILES or None, instance=offer, event=event, prefix="offer"
    )
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        if hasattr(form, "attachment_type"):
            obj.attachment_type = form.attachment_type
        try:
            registration.organiser_save_offer(
                obj,
                keywords=form.cleaned_data["keywords"],
                key_figures=form.cleaned_data.get("key_figures"),
                actor=request.user,
                request=request,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The offer or request is saved."))
            return redirect("events:bo_registration", pk=pk, company_pk=company.pk)
    return render(
        request,
        "events/backoffice/registration_edit.html",
        {"event": event, "company": company, "form": form, "title": title, "multipart": True},
    )


@scoped_permission_required(PERMISSION, Event)
def offer_remove(request, pk, company_pk, offer_pk):
    event = request.event
    company = _company(request, company_pk)
    offer = get_object_or_404(Offer, pk=offer_pk, company=company)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration.organiser_delete_offer(
                offer, reason=form.cleaned_data["reason"], actor=request.user, request=request
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("“%(o)s” is removed.") % {"o": offer.title})
            return redirect("events:bo_registration", pk=pk, company_pk=company.pk)
    return render(
        request,
        "events/backoffice/offer_remove.html",
        {"event": event, "company": company, "offer": offer, "form": form},
    )


@scoped_permission_required("events.view_registrations", Event)
def offer_attachment(request, pk, company_pk, offer_pk):
    """The attachment of an offer, for the organisers reading a registration before
    validating it (always a download: never rendered by the browser in our origin)."""
    company = _company(request, company_pk)
    offer = get_object_or_404(Offer, pk=offer_pk, company=company)
    if not offer.attachment:
        raise Http404
    try:
        handle = offer.attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    journal.record("events.offer_attachment_read", request=request, obj=company)
    name = PurePath(offer.attachment.name).name
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
