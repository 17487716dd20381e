"""Back office: a participant's agenda as PDF, and "re-issue agendas" (zip of all PDF
agendas, mail to each person with the link to their own PDF) as background jobs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civitas.core import journal
from civitas.core.documents.pdf import pdf_response
from civitas.core.models import JobProgress
from civitas.core.permissions import scoped_permission_required

from ..models import Event, Representative
from ..services import agenda_pdf
from . import confirm


@scoped_permission_required("events.view_registrations", Event)
def agenda_pdf_view(request, pk, rep_pk):
    event = request.event
    rep = get_object_or_404(
        Representative.objects.select_related("company__event"), pk=rep_pk, company__event=event
    )
    journal.record("events.agenda_pdf", request=request, obj=rep)
    return pdf_response(agenda_pdf.render(rep), agenda_pdf.file_name(rep))


@scoped_permission_required("events.manage_meetings", Event)
def agendas(request, pk):
    event = request.event
    if request.method == "POST":
        what = request.POST.get("action")
        if what not in ("zip", "mail", "pdf"):
            messages.error(request, _("Unknown action."))
            return redirect("events:bo_agendas", pk=pk)
        if what == "mail" and not confirm.confirmed(request):
            return confirm.page(
                request,
                event,
                count=agenda_pdf.people_with_meetings(event).count(),
                title=_("Mail each person the link to their own agenda"),
                what=_(
                    "Each person with at least one published meeting receives the link to "
                    "their agenda (PDF)."
                ),
                submit=_("Send the messages"),
                back=request.path,
            )
        job = agenda_pdf.start(
            event, what, q=request.POST.get("q", "")[:100], user=request.user, request=request
        )
        messages.success(
            request,
            _("The messages are being prepared.")
            if what == "mail"
            else _("The agendas are being produced."),
        )
        return redirect(f"{request.path}?job={job.pk}")
    job = None
    job_id = request.GET.get("job", "")
    if job_id:
        try:
            job = JobProgress.objects.filter(pk=job_id, owner=request.user).first()
        except ValidationError:  # not a job id
            job = None
    q = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "events/agenda_pdf/reissue.html",
        {
            "event": event,
            "job": job,
            "q": q,
            "people": agenda_pdf.people_with_meetings(event).count(),
            "matching": agenda_pdf.matching(event, q).count() if q else None,
        },
    )
