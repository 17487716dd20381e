"""{% event_menu event %}: the mini-site menu, the same on Wagtail pages and Django views."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("events/minisite/_menu.html", takes_context=True)
def event_menu(context, event):
    from ..services.minisite import menu_items

    request = context.get("request")
    user = context.get("user")
    # The pages' entries come from the cache (see menu_items); the personal entry does not.
    items = list(menu_items(event, request))
    if user is not None and user.is_authenticated:
        items.append(
            (_("My participation"), reverse("events:area_home", kwargs={"slug": event.slug}))
        )
    path = request.path if request is not None else None
    return {"items": [{"label": label, "url": url, "current": url == path} for label, url in items]}


@register.simple_tag
def linked_operations(event):
    """The other published events of the event's family (linked operations)."""
    from ..services import operations

    return operations.others(event) if event is not None else []


@register.simple_tag
def co_organisers(event):
    """The event's co-organisers in their order, for the public pages."""
    return list(event.co_organisers.all()) if event is not None else []
