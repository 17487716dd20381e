"""The animations programme on the event page and the mini-site."""

from django import template

register = template.Library()


@register.simple_tag
def event_animations(event):
    from ..services.convocation import animations

    return animations(event)
