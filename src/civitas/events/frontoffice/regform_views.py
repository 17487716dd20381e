"""Front office of the configurable form and the convocation: sector fields fragment,
representative profile, convocation page and PDF."""

from __future__ import annotations

from django.contrib import messages
from django.forms.utils import ErrorDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civitas.core.documents.pdf import pdf_response
from civitas.core.permissions import login_required, public

from ..forms import CompanyForm
from ..models import Event, Representative
from ..services import ServiceError, availability, convocation, registration
from ..services import meetings as meeting_services
from .closed import minisite_open
from .forms import AreaRepresentativeForm


@public
@minisite_open
def sector_fields(request, slug):
    """HTMX fragment: the sector-specific questions for the sector chosen in the form,
    keeping what was typed. Renders nothing private: only the event's public form."""
    event = get_object_or_404(Event, slug=slug, is_published=True)
    data = request.POST if request.method == "POST" else request.GET
    form = CompanyForm(data, event=event, prefix="company")
    form._errors = ErrorDict()  # render the fields, do not validate them
    form.strict_sector = True
    return render(
        request,
        "events/regform/_sector_fields_inner.html",
        {"form": form, "mark_required": True, "no_summary": True},
    )


def _me(request, slug):
    event = get_object_or_404(Event, slug=slug)
    return event, meeting_services.representative_for(request.user, event)


@login_required
def area_representative(request, slug, rep_pk):
    event, me = _me(request, slug)
    if me is None:
        return render(request, "events/area/not_registered.html", {"event": event})
    # Only the people of one's own company: another company's representative is a 404.
    rep = get_object_or_404(
        Representative.objects.select_related("company__event"), pk=rep_pk, company=me.company
    )
    form = AreaRepresentativeForm(request.POST or None, instance=rep, event=event, prefix="rep")
    to_confirm = None
    if request.method == "POST" and form.is_valid():
        try:
            registration.update_representative(
                form.save(commit=False),
                by=me,
                absent_sessions=form.cleaned_data.get("absent_sessions"),
                confirmed=request.POST.get("confirm") == "1",
                request=request,
            )
        except availability.NeedsConfirmation as exc:
            to_confirm = [(m, m.request.other(rep)) for m in exc.meetings]
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("events:area_home", slug=slug)
    return render(
        request,
        "events/area/form.html",
        {
            "event": event,
            "form": form,
            "title": _("Representative: %(n)s") % {"n": rep.full_name},
            "multipart": False,
            "to_confirm": to_confirm,
            "keep_url": request.path,
        },
    )


@login_required
def area_convocation(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return render(request, "events/area/not_registered.html", {"event": event})
    return render(request, "events/convocation/area.html", convocation.context(me))


@login_required
def area_convocation_pdf(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return render(request, "events/area/not_registered.html", {"event": event})
    return pdf_response(convocation.convocation_pdf(me), convocation.file_name(me))
