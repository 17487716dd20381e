"""Back office: the event's registration form, a registration's detail, the check-in
lookup of a QR code and the convocation of a representative."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civitas.core import journal
from civitas.core.documents.pdf import pdf_response
from civitas.core.permissions import has_perm, scoped_permission_required

from ..models import Company, Event, ExtraField, Representative, Session
from ..services import ServiceError, convocation, regform
from .coorganisers import assign_form
from .forms import ExtraFieldForm, StandardFieldsForm


@scoped_permission_required("events.manage_event", Event)
def form_settings(request, pk):
    event = request.event
    cfg = regform.config(event)
    form = StandardFieldsForm(request.POST or None, current=cfg.standard)
    if request.method == "POST" and form.is_valid():
        try:
            regform.save_standard(event, form.standard(), request=request)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The registration form is saved."))
            return redirect("events:bo_regform", pk=event.pk)
    return render(
        request,
        "events/regform/settings.html",
        {
            "event": event,
            "form": form,
            "company_fields": cfg.fields_for(regform.COMPANY),
            "rep_fields": cfg.fields_for(regform.REPRESENTATIVE),
            "public": set(event.public_fields or []),
        },
    )


@scoped_permission_required("events.manage_event", Event)
def field_edit(request, pk, field_pk=None):
    event = request.event
    extra = get_object_or_404(ExtraField, pk=field_pk, event=event) if field_pk else None
    form = ExtraFieldForm(request.POST or None, instance=extra, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            regform.save_field(
                form.save(commit=False),
                sectors=form.cleaned_data.get("sectors") or [],
                public=form.cleaned_data.get("public", False),
                request=request,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("events:bo_regform", pk=event.pk)
    title = _("Field “%(l)s”") % {"l": extra.label} if extra else _("New registration field")
    return render(
        request,
        "events/backoffice/form.html",
        {"form": form, "title": title, "event": event},
    )


@scoped_permission_required("events.manage_event", Event)
def field_delete(request, pk, field_pk):
    event = request.event
    extra = get_object_or_404(ExtraField, pk=field_pk, event=event)
    if request.method == "POST":
        n = regform.delete_field(extra, request=request)
        messages.success(request, _("Field deleted with its %(n)s answer(s).") % {"n": n})
        return redirect("events:bo_regform", pk=event.pk)
    return render(
        request,
        "events/regform/field_delete.html",
        {"event": event, "field": extra, "answers": regform.answers_count(extra)},
    )


@scoped_permission_required("events.view_registrations", Event)
def registration_detail(request, pk, company_pk):
    event = request.event
    company = get_object_or_404(
        Company.objects.select_related("sector", "co_organiser"), pk=company_pk, event=event
    )
    sessions = list(Session.objects.filter(day__event=event).select_related("day"))
    reps = [
        (
            r,
            regform.rows(event, regform.REPRESENTATIVE, r.extra),
            [s for s in sessions if s not in set(r.absent_sessions.all())],
        )
        for r in company.representatives.prefetch_related("absent_sessions")
    ]
    journal.record("events.registration_viewed", request=request, obj=company)
    return render(
        request,
        "events/regform/registration_detail.html",
        {
            "event": event,
            "company": company,
            "company_rows": regform.rows(event, regform.COMPANY, company.extra),
            "reps": reps,
            "offers": company.offers.select_related("cooperation_type").prefetch_related(
                "keywords"
            ),
            "can_validate": has_perm(request.user, "events.validate_registrations", event),
            "assign_form": assign_form(company, event) if event.co_organisers.exists() else None,
        },
    )


@scoped_permission_required("events.view_registrations", Event)
def checkin_lookup(request, pk, token):
    """Who a convocation's QR code belongs to (check-in itself comes later)."""
    event = request.event
    rep = get_object_or_404(
        Representative.objects.select_related("company__sector"),
        checkin_token=token,
        company__event=event,
    )
    journal.record("events.checkin_lookup", request=request, obj=rep)
    return render(
        request,
        "events/regform/checkin.html",
        {
            "event": event,
            "rep": rep,
            "company": rep.company,
            "extra_rows": regform.rows(event, regform.REPRESENTATIVE, rep.extra),
            "colleagues": rep.company.representatives.exclude(pk=rep.pk),
        },
    )


@scoped_permission_required("events.view_registrations", Event)
def convocation_pdf(request, pk, rep_pk):
    event = request.event
    rep = get_object_or_404(
        Representative.objects.select_related("company__event", "user"),
        pk=rep_pk,
        company__event=event,
    )
    journal.record("events.convocation_printed", request=request, obj=rep)
    return pdf_response(convocation.convocation_pdf(rep), convocation.file_name(rep))
