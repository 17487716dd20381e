"""{% load home %}{% home_sections %} and {% public_links as links %} (see civitas.core.home)."""

from django import template
from django.utils.safestring import mark_safe

from civitas.core import home

register = template.Library()


@register.simple_tag(takes_context=True)
def home_sections(context):
    request = context.get("request")
    return mark_safe("".join(home.render_sections(request)))  # noqa: S308 - rendered templates


@register.simple_tag
def public_links():
    return home.links()


@register.simple_tag(takes_context=True)
def signup_open(context) -> bool:
    """Whether self-service account creation is open (the account adapter decides)."""
    from allauth.account.adapter import get_adapter

    request = context.get("request")
    return bool(get_adapter(request).is_open_for_signup(request))
