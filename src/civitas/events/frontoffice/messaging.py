"""Participant area: inbox, conversation with the other party of a request, conversation
with the organisers. Thread pages post with HTMX (the partial comes back with the form
keeping the text on errors) and work without JavaScript too."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from civitas.core.permissions import login_required

from ..forms import MessageForm
from ..models import Conversation, MeetingRequest
from ..services import ServiceError
from ..services import messaging as svc
from .views import _me, _not_registered


@login_required
def inbox(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    rows = list(svc.memberships(me))
    organisers = next(
        (m for m in rows if m.conversation.kind == Conversation.Kind.ORGANISERS), None
    )
    meeting_rows = [m for m in rows if m.conversation.kind == Conversation.Kind.MEETING]
    page = Paginator(meeting_rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "events/messaging/area_inbox.html",
        {
            "event": event,
            "me": me,
            "organisers": organisers,
            "page": page,
            "to_start": svc.writable_requests_without_conversation(me)[:100],
        },
    )


def _thread_response(request, context, form):
    context["form"] = form
    template = (
        "events/messaging/_thread.html" if request.htmx else "events/messaging/area_thread.html"
    )
    return render(request, template, context)


def _post(request, form, post):
    """Validate, call the service; on success a fresh form, else the same form with errors."""
    if form.is_valid():
        try:
            post(form.cleaned_data["body"])
        except ServiceError as exc:
            form.add_error("body", str(exc))
        else:
            return MessageForm(), True
    return form, False


@login_required
def thread_request(request, slug, request_pk):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    req = get_object_or_404(
        MeetingRequest.objects.select_related("event", "sender__company", "recipient__company"),
        Q(sender=me) | Q(recipient=me),
        pk=request_pk,
        event=event,
    )
    form, ok = MessageForm(request.POST or None), False
    if request.method == "POST":
        form, ok = _post(request, form, lambda body: svc.post_to_meeting(req, me, body))
        if ok and not request.htmx:
            return redirect(request.path)
    conv = svc.meeting_conversation(req)
    if conv is not None:
        svc.mark_read(conv, me)
    other = req.other(me)
    context = {
        "event": event,
        "me": me,
        "conversation": conv,
        "messages_list": conv.messages.select_related("author__company") if conv else [],
        "title": _("Conversation with %(name)s (%(company)s)")
        % {"name": other.full_name, "company": other.company.name},
        "meeting_request": req,
        "closed": svc.closed_reason(req),
        "post_url": request.path,
        "sent": ok,
    }
    return _thread_response(request, context, form)


@login_required
def thread_organisers(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    form, ok = MessageForm(request.POST or None), False
    if request.method == "POST":
        form, ok = _post(request, form, lambda body: svc.post_to_organisers(me, body))
        if ok and not request.htmx:
            return redirect(request.path)
    conv = svc.organisers_conversation(me)
    if conv is not None:
        svc.mark_read(conv, me)
    context = {
        "event": event,
        "me": me,
        "conversation": conv,
        "messages_list": conv.messages.select_related("author__company") if conv else [],
        "title": _("Conversation with the organisers"),
        "closed": "",
        "post_url": request.path,
        "sent": ok,
    }
    return _thread_response(request, context, form)
