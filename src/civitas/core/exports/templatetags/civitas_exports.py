from django import template
from django.urls import reverse

from civitas.core.permissions import has_perm

from .. import registry
from ..writers import WRITERS

register = template.Library()

_RESERVED = {"page", "format", "exporter"}


@register.simple_tag(takes_context=True)
def export_links(context, code, **params):
    """{'formats': [(label, url)], 'schedule_url': url or ''} for the current user and filters;
    None if the user may not export this list.

    The links carry the list's current filters (request.GET) and the `params` given
    explicitly (e.g. ``event=event.pk``), which win over request.GET."""
    request = context.get("request")
    if request is None:
        return None
    try:
        exporter = registry.get(code)
    except LookupError:
        return None
    if not has_perm(request.user, exporter.permission):
        return None
    query = request.GET.copy()
    for key in _RESERVED:
        query.pop(key, None)
    for key, value in params.items():
        if key in _RESERVED:
            raise template.TemplateSyntaxError(f"export parameter {key!r} is reserved")
        query[key] = "" if value is None else str(value)
    base = reverse("exports:export")
    formats = []
    for fmt, writer in WRITERS.items():
        q = query.copy()
        q["exporter"] = code
        q["format"] = fmt
        formats.append((writer.label, f"{base}?{q.urlencode()}"))
    schedule_url = ""
    if has_perm(request.user, "exports.schedule_exports"):
        q = query.copy()
        q["exporter"] = code
        schedule_url = f"{reverse('exports:schedule_create')}?{q.urlencode()}"
    return {"label": exporter.label, "formats": formats, "schedule_url": schedule_url}


@register.inclusion_tag("exports/export_buttons.html", takes_context=True)
def export_buttons(context, code, **params):
    """{% export_buttons "events.participants" event=event.pk %}: the export buttons of a
    list, with the list's filters and these explicit parameters."""
    return {"links": export_links(context, code, **params)}
