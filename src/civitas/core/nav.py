"""Back-office navigation: each module registers its entries in AppConfig.ready()."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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


def register_core_entries():
    admin = _("Administration")
    register(admin, _("Dashboard"), "core:backoffice_home", "core.access_backoffice", 0)
    register(admin, _("Users and roles"), "core:users", "core.manage_administrators", 10)
    register(admin, _("Roles"), "core:roles", "core.manage_administrators", 11)
    register(admin, _("Organisation"), "core:organisation", "core.manage_organisation", 20)
    register(admin, _("Action journal"), "core:journal", "core.view_journal", 30)
    register(admin, _("Change history"), "core:changes", "core.view_journal", 31)
    register(admin, _("Login journal"), "core:login_journal", "core.view_login_journal", 32)
