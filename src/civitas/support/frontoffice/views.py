"""The customers' portal: my structure's tickets, opening one, following one."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core import permissions
from civitas.core.permissions import permission_required, public

from ..forms import (
    CustomerReplyForm,
    FaqSearchForm,
    SatisfactionForm,
    TicketForm,
    UserRequestForm,
)
from ..models import Evolution, Message, Satisfaction, Ticket, Version
from ..services import portal as portal_rules
from ..services import roadmap as roadmap_rules
from ..services import satisfaction as satisfaction_rules
from ..services import sla, tickets

OPEN = "support.open_tickets"


def visible_tickets(user):
    return permissions.restrict(Ticket.objects.all(), user, OPEN).select_related(
        "state", "product", "version", "structure", "requester"
    )


def _ticket(request, pk):
    return get_object_or_404(visible_tickets(request.user), pk=pk)


@permission_required(OPEN)
def portal(request):
    qs = visible_tickets(request.user).order_by("-updated_at")
    return render(
        request,
        "support/frontoffice/portal.html",
        {
            "tickets": qs[:100],
            "recent": qs[:3],
            "structure": tickets.structure_of(request.user),
            "privacy_notice": portal_rules.needs_privacy_notice(request.user),
            **portal_rules.home_blocks(tickets.structure_of(request.user)),
        },
    )


@permission_required(OPEN)
def ticket_new(request):
    structure = tickets.structure_of(request.user)
    form = TicketForm(request.POST or None, request.FILES or None)
    if structure is None:
        messages.error(request, _("Only the declared correspondents of a structure open tickets."))
        return redirect("support:portal")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = tickets.open_ticket(
                structure=structure,
                requester=request.user,
                product=data["product"],
                version=data["version"],
                service=data["service"],
                level=data["level"],
                subject=data["subject"],
                text=data["text"],
                files=[data["attachment"]] if data["attachment"] else [],
                request=request,
            )
        except tickets.TicketError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your request %(n)s is recorded.") % {"n": ticket.number})
            return redirect("support:ticket", pk=ticket.pk)
    return render(request, "support/frontoffice/ticket_new.html", {"form": form})


@permission_required(OPEN)
def ticket(request, pk):
    obj = _ticket(request, pk)
    survey = satisfaction_rules.pending_for(obj, request.user)
    survey_form = SatisfactionForm(prefix="satisfaction") if survey else None
    if request.method == "POST" and request.POST.get("action") == "satisfaction":
        form = CustomerReplyForm()
        if survey is None:
            messages.info(request, _("This question is already answered: thank you."))
            return redirect("support:ticket", pk=obj.pk)
        survey_form = SatisfactionForm(request.POST, prefix="satisfaction")
        if survey_form.is_valid():
            try:
                satisfaction_rules.answer(
                    survey,
                    survey_form.cleaned_data["score"],
                    survey_form.cleaned_data["comment"],
                    via=Satisfaction.Via.PORTAL,
                )
            except satisfaction_rules.SatisfactionError as exc:
                messages.info(request, str(exc))
            else:
                messages.success(request, _("Thank you for your answer."))
            return redirect("support:ticket", pk=obj.pk)
        return _ticket_page(request, obj, form, survey_form)
    form = CustomerReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        action = request.POST.get("action", "reply")
        if action == "cancel":
            return redirect("support:ticket", pk=obj.pk)
        if form.is_valid():
            attachment = form.cleaned_data["attachment"]
            try:
                tickets.customer_message(
                    obj,
                    request.user,
                    form.cleaned_data["text"],
                    action,
                    files=[attachment] if attachment else [],
                )
            except tickets.TicketError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your message is sent."))
                return redirect("support:ticket", pk=obj.pk)
    return _ticket_page(request, obj, form, survey_form)


def _ticket_page(request, obj, form, survey_form):
    return render(
        request,
        "support/frontoffice/ticket.html",
        {
            "ticket": obj,
            "clocks": sla.ticket_clocks(obj),
            "thread": obj.messages.exclude(kind=Message.Kind.NOTE).prefetch_related("attachments"),
            "form": form,
            "survey_form": survey_form,
        },
    )


@public
def satisfaction(request, token):
    """The link of the satisfaction mail: the token is the key (no login), one answer."""
    survey = Satisfaction.objects.select_related("ticket").filter(token=token).first()
    if survey is None:
        return render(
            request, "support/frontoffice/satisfaction.html", {"unknown": True}, status=404
        )
    form = SatisfactionForm(request.POST or None)
    if request.method == "POST" and survey.answered_at is None and form.is_valid():
        try:
            satisfaction_rules.answer(
                survey,
                form.cleaned_data["score"],
                form.cleaned_data["comment"],
                via=Satisfaction.Via.LINK,
            )
        except satisfaction_rules.SatisfactionError:
            survey.refresh_from_db()
        else:
            return render(
                request, "support/frontoffice/satisfaction.html", {"survey": survey, "thanks": True}
            )
    return render(
        request, "support/frontoffice/satisfaction.html", {"survey": survey, "form": form}
    )


@permission_required(OPEN)
@require_POST
def privacy_ack(request):
    portal_rules.acknowledge_privacy(request.user)
    return redirect("support:portal")


@permission_required(OPEN)
def faq(request):
    form = FaqSearchForm(request.GET or None)
    results = portal_rules.search_faq("")
    if form.is_valid():
        results = portal_rules.search_faq(form.cleaned_data["q"], form.cleaned_data["product"])
    return render(request, "support/frontoffice/faq.html", {"form": form, "results": results[:50]})


@permission_required(OPEN)
def releases(request):
    versions = Version.objects.select_related("product", "note").order_by(
        "product__name", "-released_on"
    )
    fixed = {}
    for t in visible_tickets(request.user).filter(fixed_in__isnull=False):
        fixed.setdefault(t.fixed_in_id, []).append(t)
    return render(
        request,
        "support/frontoffice/releases.html",
        {"versions": [(v, fixed.get(v.pk, [])) for v in versions]},
    )


@permission_required(OPEN)
def roadmap(request):
    mine = (
        permissions.restrict(Evolution.objects.all(), request.user, OPEN)
        .select_related("ticket", "version__product")
        .order_by("-ticket__opened_at")
    )
    return render(
        request,
        "support/frontoffice/roadmap.html",
        {"roadmap": roadmap_rules.roadmap(), "mine": mine},
    )


@permission_required(OPEN)
def version(request, pk):
    """The version sheet (fiche version): every customer of the desk may read it."""
    obj = get_object_or_404(Version.objects.select_related("product"), pk=pk)
    return render(
        request,
        "support/frontoffice/version.html",
        roadmap_rules.version_sheet(obj, visible_tickets(request.user)),
    )


@permission_required(OPEN)
def version_pdf(request, pk):
    """The version sheet as a PDF: the same rule and the same figures as the screen."""
    from civitas.core.documents import pdf

    obj = get_object_or_404(Version.objects.select_related("product"), pk=pk)
    content = roadmap_rules.version_sheet_pdf(obj, visible_tickets(request.user))
    return pdf.pdf_response(content, roadmap_rules.version_sheet_filename(obj))


@permission_required("support.request_users")
def users(request):
    structure = tickets.structure_of(request.user)
    if structure is None:
        messages.error(request, _("Only the declared correspondents of a structure open tickets."))
        return redirect("support:portal")
    form = UserRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            portal_rules.request_user(structure, request.user, request=request, **form.cleaned_data)
        except tickets.TicketError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your request is sent to the support."))
            return redirect("support:users")
    return render(
        request,
        "support/frontoffice/users.html",
        {
            "form": form,
            "structure": structure,
            "people": structure.people.select_related("user"),
            "history": portal_rules.request_history(structure),
        },
    )
