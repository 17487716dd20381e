"""Back office: the organisers' inbox of one event, answering participants, and overseeing
(read-only, journaled) the conversations between the parties of meeting requests."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civitas.core import journal
from civitas.core.permissions import scoped_permission_required

from ..forms import MessageForm
from ..models import Conversation, Event, Representative
from ..services import ServiceError
from ..services import messaging as svc

PERM = svc.PERMISSION


@scoped_permission_required(PERM, Event)
def inbox(request, pk):
    event = request.event
    kind = request.GET.get("kind", Conversation.Kind.ORGANISERS)
    if kind not in Conversation.Kind.values:
        kind = Conversation.Kind.ORGANISERS
    page = Paginator(svc.organisers_inbox(event, kind), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "events/messaging/bo_inbox.html",
        {
            "event": event,
            "page": page,
            "kind": kind,
            "kinds": Conversation.Kind.choices,
            "unread_total": svc.organisers_unread_total(event),
        },
    )


def _render_thread(request, context):
    template = (
        "events/messaging/_thread.html" if request.htmx else "events/messaging/bo_thread.html"
    )
    return render(request, template, context)


def _organisers_thread(request, event, rep, conv, form, sent=False):
    if conv is not None:
        svc.mark_read_by_organisers(conv)
    return _render_thread(
        request,
        {
            "event": event,
            "rep": rep,
            "conversation": conv,
            "messages_list": conv.messages.select_related("author__company", "author_user")
            if conv
            else [],
            "title": _("Conversation with %(name)s (%(company)s)")
            % {"name": rep.full_name, "company": rep.company.name},
            "closed": "",
            "form": form,
            "post_url": _participant_url(event, rep),
            "backoffice": True,
            "sent": sent,
        },
    )


def _participant_url(event, rep):
    from django.urls import reverse

    return reverse("events:bo_conversation_participant", kwargs={"pk": event.pk, "rep_pk": rep.pk})


@scoped_permission_required(PERM, Event)
def conversation(request, pk, conv_pk):
    event = request.event
    conv = get_object_or_404(
        Conversation.objects.select_related(
            "participant__company", "request__sender__company", "request__recipient__company"
        ),
        pk=conv_pk,
        event=event,
    )
    if conv.kind == Conversation.Kind.ORGANISERS:
        return _organisers_thread(request, event, conv.participant, conv, MessageForm())
    # A private exchange between two companies: read-only here, and the read is journaled.
    journal.record("events.conversation_viewed", request=request, obj=conv)
    req = conv.request
    return _render_thread(
        request,
        {
            "event": event,
            "conversation": conv,
            "messages_list": conv.messages.select_related("author__company"),
            "title": _("Conversation between %(a)s (%(ca)s) and %(b)s (%(cb)s)")
            % {
                "a": req.sender.full_name,
                "ca": req.sender.company.name,
                "b": req.recipient.full_name,
                "cb": req.recipient.company.name,
            },
            "closed": _(
                "Organisers oversee this conversation between the two parties; they do not "
                "write in it."
            ),
            "form": None,
            "backoffice": True,
        },
    )


@scoped_permission_required(PERM, Event)
def participant(request, pk, rep_pk):
    """Write to one participant (starts the conversation if needed)."""
    event = request.event
    rep = get_object_or_404(
        Representative.objects.select_related("company__event"), pk=rep_pk, company__event=event
    )
    conv = svc.organisers_conversation(rep)
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                svc.post_by_organisers(
                    rep, request.user, form.cleaned_data["body"], request=request
                )
            except ServiceError as exc:
                form.add_error("body", str(exc))
            else:
                conv = svc.organisers_conversation(rep)
                if not request.htmx:
                    return redirect("events:bo_conversation", pk=event.pk, conv_pk=conv.pk)
                return _organisers_thread(request, event, rep, conv, MessageForm(), sent=True)
    elif conv is not None:
        return redirect("events:bo_conversation", pk=event.pk, conv_pk=conv.pk)
    return _organisers_thread(request, event, rep, conv, form)
