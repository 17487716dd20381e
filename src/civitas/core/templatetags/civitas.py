from itertools import groupby

from django import template

from ..nav import entries_for
from ..permissions import has_perm

register = template.Library()


@register.simple_tag(takes_context=True)
def backoffice_nav(context):
    request = context.get("request")
    if request is None:
        return []
    entries = entries_for(request.user)
    return [(section, list(items)) for section, items in groupby(entries, lambda e: e["section"])]


@register.simple_tag(takes_context=True)
def can(context, codename, obj=None):
    """{% can "core.view_journal" as allowed %} — the same helper as views and the API."""
    request = context.get("request")
    return bool(request and has_perm(request.user, codename, obj))


@register.inclusion_tag("core/includes/log_changes.html")
def log_changes(entry):
    """{% log_changes entry %}: what a change-trail entry changed, as a list."""
    from ..audit import change_rows

    return {"rows": change_rows(entry)}
