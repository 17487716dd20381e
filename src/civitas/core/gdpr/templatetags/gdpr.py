"""{% load gdpr %}{% privacy_notice "events.registration" %}: the data-protection notice."""

import nh3
from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from civitas.core.gdpr.models import PrivacyNotice

register = template.Library()

ALLOWED_TAGS = {"p", "br", "a", "strong", "em", "b", "i", "ul", "ol", "li", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}}


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def notice_html(form_code: str, language: str | None = None) -> str:
    notice = (
        PrivacyNotice.objects.filter(form_code=form_code).first()
        or PrivacyNotice.objects.filter(form_code="default").first()
    )
    if notice is None:
        return ""
    from civitas.core.models import Organisation

    text = notice.text_for(language or get_language() or "fr")
    text = text.replace("[organisation]", str(Organisation.get()))
    if "<" not in text:  # plain text: keep its paragraphs
        text = "".join(f"<p>{para}</p>" for para in text.split("\n\n") if para.strip())
    return sanitise(text)


@register.simple_tag
def privacy_notice(form_code: str):
    html = notice_html(form_code)
    if not html:
        return ""
    return mark_safe(f'<div class="privacy-notice">{html}</div>')  # noqa: S308 - sanitised
