from django import template
from django.utils.safestring import mark_safe

from .. import qr

register = template.Library()


@register.simple_tag
def qr_svg(value, scale=4, border=4):
    """Inline SVG QR code: {% qr_svg participant.badge_url %}."""
    return mark_safe(qr.svg(str(value), scale=int(scale), border=int(border)))  # noqa: S308


@register.simple_tag
def qr_data_uri(value, scale=4, border=4):
    """SVG data: URI for <img src="{% qr_data_uri value %}">."""
    return qr.data_uri(str(value), scale=int(scale), border=int(border))


@register.filter
def chunks(items, size):
    """Split a sequence into lists of `size` items (sheets of labels)."""
    items = list(items)
    size = max(1, int(size))
    return [items[i : i + size] for i in range(0, len(items), size)]
