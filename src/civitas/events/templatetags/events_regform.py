from django import template

from ..services import regform

register = template.Library()


@register.simple_tag
def public_extra(event, company):
    """[(field, answer)] of the company's extra fields published in the catalogue."""
    return regform.public_rows(event, company)
