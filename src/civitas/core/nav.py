"""Back-office navigation: each module lists its entries in its module description
(`civitas.core.modules.Nav`), which registers them here."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    section: str
    label: str
    url_name: str
    permission: str
    order: int = 100


_entries: list[NavEntry] = []


def register(section, label, url_name, permission, order=100):
    entry = NavEntry(section, label, url_name, permission, order)
    if entry not in _entries:
        _entries.append(entry)
    return entry


def entries_for(user):
    from .permissions import has_perm

    visible = [e for e in _entries if has_perm(user, e.permission)]
    # Sections keep together, ordered by their first entry; entries by order then label.
    section_rank = {}
    for e in sorted(visible, key=lambda e: e.order):
        section_rank.setdefault(str(e.section), len(section_rank))
    visible.sort(key=lambda e: (section_rank[str(e.section)], e.order, str(e.label)))
    return [{"section": e.section, "label": e.label, "url": reverse(e.url_name)} for e in visible]
