"""What the modules switched on show on the public home page and in the public header.

    from civitas.core import home

    home.register_link(_("Events"), "events:event_list", order=10)
    home.register_section(
        "events.upcoming",
        "events/public/home_section.html",
        context=lambda request: {"events": list(public_events())},  # None hides the section
        order=10,
    )

The home page then speaks of what this instance offers, never of modules it does not run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Link:
    label: object
    url_name: str
    order: int


@dataclass(frozen=True)
class Section:
    code: str
    template: str
    context: Callable
    order: int


_links: dict[str, Link] = {}
_sections: dict[str, Section] = {}


def register_link(label, url_name: str, order: int = 100) -> None:
    _links[url_name] = Link(label, url_name, order)


def register_section(code: str, template: str, context: Callable, order: int = 100) -> None:
    _sections[code] = Section(code, template, context, order)


def links() -> list[dict]:
    out = []
    for link in sorted(_links.values(), key=lambda x: x.order):
        try:
            out.append({"label": link.label, "url": reverse(link.url_name)})
        except NoReverseMatch:  # the module's URLs are not mounted in this deployment
            continue
    return out


def render_sections(request) -> list[str]:
    """The HTML of each section that has something to show, in order."""
    out = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        context = section.context(request)
        if context is None:
            continue
        out.append(render_to_string(section.template, context, request=request))
    return out
