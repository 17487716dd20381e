"""The customers' portal: my structure's tickets, opening one, following one."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core import permissions
from civitas.core.permissions import permission_required

from ..forms import CustomerReplyForm, FaqSearchForm, TicketForm, UserRequestForm
from ..models import Message, Ticket, Version
from ..services import portal as portal_rules
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
    return render(
        request,
        "support/frontoffice/ticket.html",
        {
            "ticket": obj,
            "clocks": sla.ticket_clocks(obj),
            "thread": obj.messages.exclude(kind=Message.Kind.NOTE).prefetch_related("attachments"),
            "form": form,
        },
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
