"""Exporters for the platform core's back-office lists (same filters as the lists)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from civitas.core.backoffice import filters
from civitas.core.models import RoleAssignment
from civitas.core.permissions import scope_label

from .registry import Exporter, register


@register
class JournalExporter(Exporter):
    code = "core.journal"
    label = _("Action journal")
    permission = "core.view_journal"
    filter_params = ("q", "action", "start", "end")
    columns = [
        ("id", _("Number")),
        ("time", _("Time")),
        ("actor", _("Who")),
        ("ip", _("IP address")),
        ("action", _("Action")),
        ("object_type", _("Object type")),
        ("object_id", _("Object id")),
        ("object", _("Object")),
        ("details", _("Details")),
        ("hash", _("Hash")),
        # Last, so that the columns before keep their places for existing readers.
        ("action_label", _("Action (label)")),
    ]

    def queryset(self, user, params):
        return filters.journal(params, user)[1].order_by("id")

    def row(self, e):
        return {
            "id": e.pk,
            "time": e.created_at,
            "actor": e.actor_repr,
            "ip": e.ip,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "object": e.object_repr,
            "details": e.details,
            "hash": e.hash,
            "action_label": e.action_label,
        }


@register
class LoginJournalExporter(Exporter):
    code = "core.login_journal"
    label = _("Login journal")
    permission = "core.view_login_journal"
    filter_params = ("q", "kind", "start", "end")
    columns = [
        ("time", _("Time")),
        ("event", _("Event")),
        ("login", _("Login entered")),
        ("user_id", _("User id")),
        ("ip", _("IP address")),
        ("browser", _("Browser")),
    ]

    def queryset(self, user, params):
        return filters.login_journal(params)[1].order_by("id")

    def row(self, e):
        return {
            "time": e.created_at,
            "event": e.get_kind_display(),
            "login": e.identifier,
            "user_id": e.user_id,
            "ip": e.ip,
            "browser": e.user_agent,
        }


@register
class UserExporter(Exporter):
    code = "core.users"
    label = _("Users and roles")
    permission = "core.manage_administrators"
    filter_params = ("q",)
    columns = [
        ("email", _("E-mail address")),
        ("full_name", _("Full name")),
        ("phone", _("Mobile phone")),
        ("language", _("Language")),
        ("active", _("Active")),
        ("date_joined", _("Date joined")),
        ("last_login", _("Last login")),
        ("roles", _("Roles")),
    ]

    def queryset(self, user, params):
        return (
            filters.users(params)[1]
            .order_by("email")
            .prefetch_related(
                Prefetch(
                    "role_assignments",
                    queryset=RoleAssignment.objects.select_related("role").order_by("role__name"),
                )
            )
        )

    def iter_objects(self, qs):
        # Prefetch works with iterator() when a chunk size is given (Django >= 4.1).
        return qs.iterator(chunk_size=1000)

    def row(self, u):
        roles = [
            f"{a.role.name} ({scope_label(a.scope_type, a.scope_id)})"
            for a in u.role_assignments.all()
        ]
        return {
            "email": u.email,
            "full_name": u.full_name,
            "phone": u.phone,
            "language": u.language,
            "active": u.is_active,
            "date_joined": u.date_joined,
            "last_login": u.last_login,
            "roles": "; ".join(roles),
        }
