"""Exporters for the platform core's back-office lists (same filters as the lists)."""

from datetime import datetime, time

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core.backoffice.forms import JournalFilterForm, LoginJournalFilterForm
from civitas.core.models import JournalEntry, LoginEvent, RoleAssignment, User
from civitas.core.permissions import scope_label

from .registry import Exporter, register


def _bounds(form):
    tz = timezone.get_current_timezone()
    start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz) if start else None,
        timezone.make_aware(datetime.combine(end, time.max), tz) if end else None,
    )


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
    ]

    def queryset(self, user, params):
        qs = JournalEntry.objects.order_by("id")
        form = JournalFilterForm(params or None)
        if form.is_valid():
            q = form.cleaned_data["q"]
            if q:
                qs = qs.filter(
                    Q(actor_repr__icontains=q) | Q(object_repr__icontains=q) | Q(ip__icontains=q)
                )
            if form.cleaned_data["action"]:
                qs = qs.filter(action__icontains=form.cleaned_data["action"])
            start, end = _bounds(form)
            if start:
                qs = qs.filter(created_at__gte=start)
            if end:
                qs = qs.filter(created_at__lte=end)
        return qs

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
        qs = LoginEvent.objects.order_by("id")
        form = LoginJournalFilterForm(params or None)
        if form.is_valid():
            q = form.cleaned_data["q"]
            if q:
                qs = qs.filter(Q(identifier__icontains=q) | Q(ip__icontains=q))
            if form.cleaned_data["kind"]:
                qs = qs.filter(kind=form.cleaned_data["kind"])
            start, end = _bounds(form)
            if start:
                qs = qs.filter(created_at__gte=start)
            if end:
                qs = qs.filter(created_at__lte=end)
        return qs

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
        qs = User.objects.order_by("email").prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.select_related("role").order_by("role__name"),
            )
        )
        q = (params.get("q") or "").strip()
        if q:
            qs = qs.filter(Q(email__icontains=q) | Q(full_name__icontains=q))
        return qs

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
