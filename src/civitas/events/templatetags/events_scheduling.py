from django import template

from ..services import unscheduled

register = template.Library()


@register.filter
def unscheduled_reason(entry) -> str:
    """Why a meeting of a scheduling run was not placed, in the active language."""
    return unscheduled.text(entry)
