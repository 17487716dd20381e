from django import template
from django.urls import reverse

from civitas.core.permissions import has_perm

from .. import registry
from ..writers import WRITERS

register = template.Library()

_RESERVED = {"page", "format", "exporter"}


@register.simple_tag(takes_context=True)
def export_links(context, code):
    """{'formats': [(label, url)], 'schedule_url': url or ''} for the current user and filters;
    None if the user may not export this list."""
    request = context.get("request")
    if request is None:
        return None
    try:
        exporter = registry.get(code)
    except LookupError:
        return None
    if not has_perm(request.user, exporter.permission):
        return None
    params = request.GET.copy()
    for key in _RESERVED:
        params.pop(key, None)
    base = reverse("exports:export")
    formats = []
    for fmt, writer in WRITERS.items():
        q = params.copy()
        q["exporter"] = code
        q["format"] = fmt
        formats.append((writer.label, f"{base}?{q.urlencode()}"))
    schedule_url = ""
    if has_perm(request.user, "exports.schedule_exports"):
        q = params.copy()
        q["exporter"] = code
        schedule_url = f"{reverse('exports:schedule_create')}?{q.urlencode()}"
    return {"label": exporter.label, "formats": formats, "schedule_url": schedule_url}
