"""Back office: badge design and printing, attendance sheets, table tents, certificates.
Thin views: the documents are built in services/badges.py and services/attendance.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import journal
from civitas.core.documents.pdf import pdf_response
from civitas.core.models import JobProgress
from civitas.core.permissions import has_perm, scoped_permission_required

from ..models import Animation, BadgeDesign, Event, Representative, Session
from ..services import ServiceError, attendance, badges


class BadgeDesignForm(forms.ModelForm):
    fields = forms.MultipleChoiceField(
        label=gettext_lazy("Fields shown"),
        choices=BadgeDesign.FIELDS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = BadgeDesign
        fields = ["paper", "fields", "band_colour", "text_colour", "show_logo", "footer"]
        widgets = {
            "band_colour": forms.TextInput(attrs={"type": "color"}),
            "text_colour": forms.TextInput(attrs={"type": "color"}),
        }


def _job(request):
    job_id = request.GET.get("job", "")
    if not job_id:
        return None
    try:
        return JobProgress.objects.filter(pk=job_id, owner=request.user).first()
    except (ValidationError, ValueError):
        return None


@scoped_permission_required("events.check_in", Event)
def badges_page(request, pk):
    """Badge design (organisers), batch printing, and the badge station: one person's
    badge printed without checking them in."""
    event = request.event
    can_design = has_perm(request.user, "events.manage_event", event)
    design = badges.design_of(event)
    form = BadgeDesignForm(request.POST or None, instance=design) if can_design else None
    if request.method == "POST" and can_design:
        if request.POST.get("action") == "print_all":
            job = badges.start_batch(event, user=request.user, request=request)
            messages.success(request, _("The badges are being produced."))
            return redirect(f"{request.path}?job={job.pk}")
        if form.is_valid():
            form.save()
            journal.record("events.badge_design_changed", request=request, obj=event)
            messages.success(request, _("Badge design saved."))
            return redirect("events:bo_badges", pk=event.pk)
    query = (request.GET.get("q") or "")[:200]
    found = []
    if query:
        words = query.split()[:5]
        qs = badges.people(event)
        for w in words:
            qs = qs.filter(
                Q(first_name__icontains=w)
                | Q(last_name__icontains=w)
                | Q(company__name__icontains=w)
            )
        found = list(qs[:20])
    return render(
        request,
        "events/badges/page.html",
        {
            "event": event,
            "form": form,
            "job": _job(request),
            "query": query,
            "found": found,
            "count": badges.people(event).count(),
            "sessions": Session.objects.filter(day__event=event).select_related("day"),
            "animations": event.animations.exclude(status=Animation.Status.CANCELLED),
            "days": event.days.all(),
        },
    )


@scoped_permission_required("events.check_in", Event)
def badge_pdf(request, pk, rep_pk):
    event = request.event
    rep = get_object_or_404(
        Representative.objects.select_related("company__sector"), pk=rep_pk, company__event=event
    )
    journal.record("events.badge_printed", request=request, obj=rep)
    return pdf_response(badges.badges_pdf(event, [rep]), badges.badge_file_name(event, rep))


@scoped_permission_required("events.view_registrations", Event)
def attendance_sheet(request, pk, session_pk):
    event = request.event
    session = get_object_or_404(
        Session.objects.select_related("day"), pk=session_pk, day__event=event
    )
    journal.record("events.attendance_sheet", request=request, obj=session)
    return pdf_response(
        attendance.attendance_sheet_pdf(session), attendance.file_name("emargement", event, session)
    )


@scoped_permission_required("events.view_registrations", Event)
def animation_attendance_sheet(request, pk, animation_pk):
    event = request.event
    animation = get_object_or_404(
        Animation.objects.select_related("room", "site"), pk=animation_pk, event=event
    )
    journal.record("events.attendance_sheet", request=request, obj=animation)
    return pdf_response(
        attendance.animation_sheet_pdf(animation),
        attendance.file_name("emargement", event, animation.title_fr),
    )


@scoped_permission_required("events.view_registrations", Event)
def table_tents(request, pk):
    event = request.event
    return pdf_response(attendance.table_tents_pdf(event), attendance.file_name("chevalets", event))


@scoped_permission_required("events.view_registrations", Event)
def certificate(request, pk, rep_pk):
    event = request.event
    rep = get_object_or_404(
        Representative.objects.select_related("company"), pk=rep_pk, company__event=event
    )
    try:
        data = attendance.certificate_pdf(rep)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("events:bo_badges", pk=event.pk)
    journal.record("events.certificate_issued", request=request, obj=rep)
    return pdf_response(data, attendance.file_name("attestation", event, rep.full_name))


urlpatterns = [
    path("backoffice/evenements/<id:pk>/badges/", badges_page, name="bo_badges"),
    path("backoffice/evenements/<id:pk>/badges/<id:rep_pk>.pdf", badge_pdf, name="bo_badge_pdf"),
    path(
        "backoffice/evenements/<id:pk>/emargement/<id:session_pk>.pdf",
        attendance_sheet,
        name="bo_attendance_sheet",
    ),
    path(
        "backoffice/evenements/<id:pk>/emargement/animations/<id:animation_pk>.pdf",
        animation_attendance_sheet,
        name="bo_animation_attendance_sheet",
    ),
    path("backoffice/evenements/<id:pk>/chevalets.pdf", table_tents, name="bo_table_tents"),
    path(
        "backoffice/evenements/<id:pk>/attestations/<id:rep_pk>.pdf",
        certificate,
        name="bo_certificate",
    ),
]
