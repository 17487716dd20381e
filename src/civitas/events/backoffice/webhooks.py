"""Back office: an event's webhook subscriptions (CRM notifications) and their delivery log.

Every view needs events.manage_webhooks on the event itself, so a secondary administrator
of another event gets 403 and the subscriptions of one event are never reachable from
another event's addresses (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.permissions import scoped_permission_required

from ..models import Event, WebhookDelivery, WebhookSubscription
from ..services import webhooks
from .forms import WebhookForm

PERMISSION = "events.manage_webhooks"
Topic = WebhookSubscription.Topic


def _subscription(event, hook_pk):
    return get_object_or_404(WebhookSubscription, pk=hook_pk, event=event)


@scoped_permission_required(PERMISSION, Event)
def webhook_list(request, pk):
    event = request.event
    subs = event.webhooks.all()
    return render(request, "events/webhooks/list.html", {"event": event, "subscriptions": subs})


@scoped_permission_required(PERMISSION, Event)
def webhook_new(request, pk):
    event = request.event
    form = WebhookForm(request.POST or None, initial={"topics": [Topic.MEETING_SCHEDULED]})
    if request.method == "POST" and form.is_valid():
        sub = form.save(commit=False)
        sub.event = event
        webhooks.save_subscription(sub, changed=form.changed_data, request=request)
        messages.success(request, _("Subscription created. Copy its signing secret below."))
        return redirect("events:bo_webhook", pk=event.pk, hook_pk=sub.pk)
    return render(
        request,
        "events/backoffice/form.html",
        {"form": form, "title": _("New webhook subscription"), "event": event},
    )


@scoped_permission_required(PERMISSION, Event)
def webhook_detail(request, pk, hook_pk):
    event = request.event
    sub = _subscription(event, hook_pk)
    form = WebhookForm(request.POST or None, instance=sub)
    if request.method == "POST" and form.is_valid():
        webhooks.save_subscription(
            form.save(commit=False), changed=form.changed_data, request=request
        )
        messages.success(request, _("Saved."))
        return redirect("events:bo_webhook", pk=event.pk, hook_pk=sub.pk)
    deliveries = sub.deliveries.all()
    state = request.GET.get("state", "")
    if state in WebhookDelivery.State.values:
        deliveries = deliveries.filter(state=state)
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "events/webhooks/detail.html",
        {
            "event": event,
            "sub": sub,
            "form": form,
            "page": page,
            "state": state,
            "states": WebhookDelivery.State.choices,
            "signature_header": webhooks.SIGNATURE_HEADER,
        },
    )


@scoped_permission_required(PERMISSION, Event)
@require_POST
def webhook_action(request, pk, hook_pk, action):
    event = request.event
    sub = _subscription(event, hook_pk)
    if action == "ping":
        webhooks.ping(sub, request=request)
        messages.success(request, _("Test message queued; its outcome appears in the log."))
    elif action == "rotate":
        webhooks.rotate_secret(sub, request=request)
        messages.success(request, _("New secret generated: update it in the receiving system."))
    elif action == "retry":
        delivery = get_object_or_404(
            WebhookDelivery, pk=request.POST.get("delivery"), subscription=sub
        )
        webhooks.retry_now(delivery, request=request)
        messages.success(request, _("Delivery queued again."))
    elif action == "delete":
        webhooks.delete_subscription(sub, request=request)
        messages.success(request, _("Subscription deleted."))
        return redirect("events:bo_webhooks", pk=event.pk)
    else:
        raise Http404
    return redirect("events:bo_webhook", pk=event.pk, hook_pk=sub.pk)
