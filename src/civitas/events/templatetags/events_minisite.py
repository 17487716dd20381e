"""{% event_menu event %}: the mini-site menu, the same on Wagtail pages and Django views."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("events/minisite/_menu.html", takes_context=True)
def event_menu(context, event):
    from ..services.minisite import site_page

    request = context.get("request")
    user = context.get("user")
    root = site_page(event)
    if root is None:
        # No mini-site (not created yet, or unpublished in Wagtail): the Django pages.
        items = [
            (_("Welcome"), reverse("events:event_page", kwargs={"slug": event.slug})),
            (_("Registration"), reverse("events:register", kwargs={"slug": event.slug})),
            (_("Participants"), reverse("events:catalogue", kwargs={"slug": event.slug})),
        ]
    else:
        items = [(_("Welcome"), root.get_url(request))]
        for child in root.get_children().live().in_menu().specific():
            menu_url = getattr(child, "menu_url", None)
            url = menu_url(request) if menu_url else child.get_url(request)
            items.append((getattr(child, "localized_title", child.title), url))
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
