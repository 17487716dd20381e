from django import template

from civitas.core.permissions import has_perm

from ..services import moderation

register = template.Library()


@register.simple_tag(takes_context=True)
def to_validate_count(context, event):
    """How many items of the event await validation (None if the user may not validate)."""
    request = context.get("request")
    if request is None or not has_perm(request.user, "events.validate_registrations", event):
        return None
    return sum(moderation.pending_counts(event).values())
