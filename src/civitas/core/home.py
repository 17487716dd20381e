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

"Mon espace", the page a person lands on after logging in, is built the same way: each module
registers a section listing what the person has there (their events, files, tickets) and what
waits for them (requests to answer, messages unread); the section's context also gives a
`pending` count, summed at the top of the page:

    home.register_area_section(
        "events.mine", "events/area/my_space_section.html", context=my_events, order=10
    )
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string


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
_area_sections: dict[str, Section] = {}
_backoffice_sections: dict[str, Section] = {}


def _resolve(context):
    # A dotted path keeps models out of a module's apps.py.
    return import_string(context) if isinstance(context, str) else context


def register_link(label, url_name: str, order: int = 100) -> None:
    _links[url_name] = Link(label, url_name, order)


def register_section(code: str, template: str, context: Callable, order: int = 100) -> None:
    _sections[code] = Section(code, template, context, order)


def register_area_section(code: str, template: str, context: Callable, order: int = 100) -> None:
    """A section of "Mon espace": `context(request)` returns a dict (with an optional
    `pending` count of actions waiting for the person) or None to hide the section."""
    _area_sections[code] = Section(code, template, context, order)


def register_backoffice_section(
    code: str, template: str, context: Callable | str, order: int = 100
) -> None:
    """A section of the back-office home, shown before platform administration: what the
    person manages in the module and what needs their action. `context(request)` returns a
    dict or None (nothing to show to this person)."""
    _backoffice_sections[code] = Section(code, template, context, order)


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


def render_area_sections(request) -> tuple[list[str], int]:
    """The HTML of each "Mon espace" section that has something to show, and the number of
    actions waiting for the person across them."""
    out, pending = [], 0
    for section in sorted(_area_sections.values(), key=lambda s: s.order):
        context = _resolve(section.context)(request)
        if context is None:
            continue
        pending += int(context.get("pending") or 0)
        out.append(render_to_string(section.template, context, request=request))
    return out, pending


def render_backoffice_sections(request) -> list[str]:
    out = []
    for section in sorted(_backoffice_sections.values(), key=lambda s: s.order):
        context = _resolve(section.context)(request)
        if context is not None:
            out.append(render_to_string(section.template, context, request=request))
    return out
