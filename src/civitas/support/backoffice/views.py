"""The agents' back office: the queue sorted by next deadline and the ticket desk."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civitas.core import journal, permissions
from civitas.core.permissions import permission_required

from ..forms import (
    AgentReplyForm,
    CorrespondentForm,
    EvolutionForm,
    NoteForm,
    QualifyForm,
    StructureForm,
)
from ..models import Evolution, Queue, Structure, Ticket, UserRequest
from ..services import roadmap, sla, tickets
from ..services import structures as structures_rules

HANDLE = "support.handle_tickets"


def handled(user):
    return permissions.restrict(Ticket.objects.all(), user, HANDLE)


def queue_page(user, *, queue_id=None, include_closed=False):
    """The agent's queue: open tickets by next deadline (tickets without one last)."""
    qs = handled(user).select_related("state", "structure", "product")
    if not include_closed:
        qs = qs.filter(state__closed=False)
    if queue_id:
        qs = qs.filter(queue_id=queue_id)
    return qs.order_by(F("next_deadline").asc(nulls_last=True), "id")


@permission_required(HANDLE)
def queue(request):
    from civitas.core.params import int_param

    queue_id = int_param(request.GET.get("queue"))
    page = Paginator(queue_page(request.user, queue_id=queue_id), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "support/backoffice/queue.html",
        {"page_obj": page, "queues": Queue.objects.all(), "queue_id": queue_id},
    )


@permission_required(HANDLE)
def ticket(request, pk):
    obj = get_object_or_404(handled(request.user).select_related("state", "structure"), pk=pk)
    reply_form = AgentReplyForm(prefix="reply")
    note_form = NoteForm(prefix="note")
    qualify_form = QualifyForm(
        prefix="qualify",
        initial={
            "level": obj.level,
            "service": obj.service,
            "sla_table": obj.sla_table_id,
            "calendar": obj.calendar_id,
            "queue": obj.queue_id,
        },
    )
    evolution = Evolution.objects.filter(ticket=obj).select_related("version").first()
    evolution_form = (
        EvolutionForm(instance=evolution, prefix="evolution", product=obj.product)
        if evolution
        else None
    )
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "evolution" and evolution is not None:
                evolution_form = EvolutionForm(
                    request.POST, instance=evolution, prefix="evolution", product=obj.product
                )
                if evolution_form.is_valid():
                    data = evolution_form.cleaned_data
                    try:
                        roadmap.decide(
                            Evolution.objects.get(pk=evolution.pk),
                            by=request.user,
                            request=request,
                            **data,
                        )
                    except roadmap.RoadmapError as exc:
                        evolution_form.add_error(None, str(exc))
                    else:
                        messages.success(request, _("The decision is saved."))
                        return redirect("support:bo_ticket", pk=obj.pk)
            elif what == "reply":
                reply_form = AgentReplyForm(request.POST, request.FILES, prefix="reply")
                if reply_form.is_valid():
                    d = reply_form.cleaned_data
                    tickets.agent_reply(
                        obj,
                        request.user,
                        d["text"],
                        d["state"],
                        workaround=d["workaround"],
                        fixed_in=d["fixed_in"],
                        minutes=d["minutes"],
                        files=[d["attachment"]] if d["attachment"] else [],
                    )
                    messages.success(request, _("The answer is sent."))
                    return redirect("support:bo_ticket", pk=obj.pk)
            elif what == "note":
                note_form = NoteForm(request.POST, prefix="note")
                if note_form.is_valid():
                    tickets.internal_note(obj, request.user, note_form.cleaned_data["note"])
                    messages.success(request, _("The note is saved."))
                    return redirect("support:bo_ticket", pk=obj.pk)
            elif what == "qualify":
                qualify_form = QualifyForm(request.POST, prefix="qualify")
                if qualify_form.is_valid():
                    tickets.qualify(obj, request.user, request=request, **qualify_form.cleaned_data)
                    messages.success(request, _("The ticket is requalified."))
                    return redirect("support:bo_ticket", pk=obj.pk)
        except tickets.TicketError as exc:
            form = {"reply": reply_form, "note": note_form}.get(what, qualify_form)
            form.add_error(None, str(exc))
    return render(
        request,
        "support/backoffice/ticket.html",
        {
            "ticket": obj,
            "clocks": sla.ticket_clocks(obj),
            "thread": obj.messages.select_related("author").prefetch_related("attachments"),
            "history": obj.history.select_related("state", "by"),
            "reply_form": reply_form,
            "note_form": note_form,
            "qualify_form": qualify_form,
            "evolution_form": evolution_form,
        },
    )


@permission_required("support.view_reports")
def reports_pdf(request):
    """The quarter's activity and SLA report as a PDF (the figures of the reports page)."""
    from civitas.core.documents import pdf
    from civitas.core.params import int_param

    from ..services import reports

    year, quarter = reports.current_quarter()
    year = int_param(request.GET.get("year")) or year
    quarter = int_param(request.GET.get("quarter")) or quarter
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        messages.error(request, _("Choose a year and a quarter (1 to 4)."))
        return redirect("support:bo_reports")
    content = reports.quarter_report_pdf(reports.visible(request.user), year, quarter)
    return pdf.pdf_response(content, f"support-{year}-T{quarter}.pdf")


@permission_required("support.view_reports")
def reports_view(request):
    from civitas.core.params import int_param

    from ..services import reports

    year, quarter = reports.current_quarter()
    year = int_param(request.GET.get("year")) or year
    quarter = int_param(request.GET.get("quarter")) or quarter
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        messages.error(request, _("Choose a year and a quarter (1 to 4)."))
        year, quarter = reports.current_quarter()
    listed = list(reports.quarter_tickets(reports.visible(request.user), year, quarter))
    compliance = reports.compliance(listed)
    from ..services import satisfaction

    volumes = reports.volumes(listed)
    chart = {
        "compliance": {
            "labels": [f"{r['level']} · {r['clock']}" for r in compliance],
            "values": [r["rate"] or 0 for r in compliance],
            "label": _("On-time rate (%)"),
        },
        "service": {
            "labels": [str(k) for k, _v in volumes["service"]],
            "values": [v for _k, v in volumes["service"]],
            "label": _("Tickets per service"),
        },
    }
    return render(
        request,
        "support/backoffice/reports.html",
        {
            "year": year,
            "quarter": quarter,
            "tickets": listed,
            "compliance": compliance,
            "volumes": volumes,
            "satisfaction": satisfaction.results(listed),
            "chart": chart,
        },
    )


CONFIGURE = "support.configure"


@permission_required(CONFIGURE)
def structures(request):
    form = StructureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        structure = form.save()
        journal.record("support.structure_created", request=request, obj=structure)
        messages.success(request, _("The structure is created."))
        return redirect("support:bo_structure", pk=structure.pk)
    return render(
        request,
        "support/backoffice/structures.html",
        {
            "structures": permissions.restrict(Structure.objects.all(), request.user, CONFIGURE)
            .select_related("unit", "calendar", "sla_table")
            .order_by("name"),
            "pending": permissions.restrict(
                UserRequest.objects.filter(state="pending"), request.user, CONFIGURE
            ).select_related("structure"),
            "form": form,
        },
    )


@permission_required(CONFIGURE)
def structure(request, pk):
    obj = get_object_or_404(
        permissions.restrict(Structure.objects.all(), request.user, CONFIGURE), pk=pk
    )
    form = StructureForm(instance=obj)
    person_form = CorrespondentForm()
    if request.method == "POST":
        what = request.POST.get("what")
        if what == "structure":
            form = StructureForm(request.POST, instance=obj)
            if form.is_valid():
                form.save()
                messages.success(request, _("The structure is saved."))
                return redirect("support:bo_structure", pk=obj.pk)
        elif what == "person":
            person_form = CorrespondentForm(request.POST)
            if person_form.is_valid():
                try:
                    structures_rules.add_correspondent(
                        obj, by=request.user, request=request, **person_form.cleaned_data
                    )
                except tickets.TicketError as exc:
                    person_form.add_error(None, str(exc))
                else:
                    messages.success(request, _("The portal user is declared."))
                    return redirect("support:bo_structure", pk=obj.pk)
        elif what in ("reports_on", "reports_off"):
            from civitas.core.params import int_param

            person = get_object_or_404(
                obj.people.select_related("user", "structure"),
                pk=int_param(request.POST.get("person")) or 0,
            )
            structures_rules.set_report_recipient(
                person, what == "reports_on", by=request.user, request=request
            )
            messages.success(request, _("The recipients of the quarter reports are saved."))
            return redirect("support:bo_structure", pk=obj.pk)
        elif what in ("done", "refused"):
            from civitas.core.params import int_param

            pending = get_object_or_404(
                UserRequest, structure=obj, pk=int_param(request.POST.get("request")) or 0
            )
            structures_rules.settle_request(pending, what, by=request.user, request=request)
            messages.success(request, _("The request is settled."))
            return redirect("support:bo_structure", pk=obj.pk)
    return render(
        request,
        "support/backoffice/structure.html",
        {
            "structure": obj,
            "form": form,
            "person_form": person_form,
            "people": obj.people.select_related("user"),
            "requests": obj.user_requests.all()[:50],
        },
    )


@permission_required(HANDLE)
def evolutions(request):
    """The evolution requests to examine and the roadmap as the provider sees it."""
    rows = (
        permissions.restrict(Evolution.objects.all(), request.user, HANDLE)
        .select_related("ticket__structure", "ticket__product", "version")
        .order_by("decision", "priority", "ticket__opened_at")
    )
    return render(
        request,
        "support/backoffice/evolutions.html",
        {"evolutions": rows, "roadmap": roadmap.roadmap()},
    )


@permission_required(HANDLE)
def version_pdf(request, pk):
    """The version sheet as the provider prints it (to send to the customers): every
    ticket of the agent's structures fixed in the version, with its structure."""
    from civitas.core.documents import pdf

    from ..models import Version

    obj = get_object_or_404(Version.objects.select_related("product"), pk=pk)
    content = roadmap.version_sheet_pdf(obj, handled(request.user), agent=True)
    return pdf.pdf_response(content, roadmap.version_sheet_filename(obj))
