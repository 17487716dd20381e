import hashlib
import json

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class JournalEntry(models.Model):
    """Action journal: administration actions, exports, reads of sensitive records.

    Tamper-evident: each entry stores the hash of the previous one and its own hash over
    its content; `manage.py verify_journal` recomputes the chain. Write through
    `civitas.core.journal.record()` only.

    Each entry carries its scope (the most specific scope of its object: an event, a unit,
    the organisation), inside the hashed content, so a reader whose journal right is limited
    to some scopes sees only their entries (`permissions.restrict`). Entries written before
    scopes existed have none: only organisation-wide readers see them, and their hash is
    computed as it was (the scope enters the payload only when set).
    """

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_repr = models.CharField(_("actor"), max_length=254, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=254, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    scope_type = models.CharField(_("scope type"), max_length=40, blank=True, default="")
    scope_id = models.BigIntegerField(_("scope id"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-id"]
        indexes = [models.Index(fields=["scope_type", "scope_id"], name="core_journal_scope")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_repr} {self.action}"

    @property
    def action_label(self) -> str:
        """The action in the reader's language (the code when no label is declared)."""
        from civitas.core import journal

        return journal.action_label(self.action)

    @property
    def actor_label(self) -> str:
        """Who did it; "Automatic task" for the entries written by jobs and commands."""
        from civitas.core import journal

        return journal.actor_label(self.actor_repr, self.actor_id)

    @classmethod
    def civitas_scope_q(cls, visible) -> Q:
        """permissions.restrict(): the entries whose scope lies in the `visible` scopes.

        An entry scoped to an object of a scope type registered with its model is visible
        wherever that object is (so a unit's readers also see the entries of objects attached
        to the unit's subtree); otherwise its scope id must be one of the visible ids.
        """
        from civitas.core import permissions

        q = Q(pk__in=[])
        types = {st.name: st for st in permissions.scope_types()}
        for name in sorted(set(types) | set(visible)):
            st = types.get(name)
            model = st.model if st is not None else None
            fields = getattr(model, "civitas_scope_fields", None) if model is not None else None
            if fields and fields != {name: "pk"}:
                inner = permissions.scope_q(model, visible)
                q |= Q(
                    scope_type=name, scope_id__in=model._default_manager.filter(inner).values("pk")
                )
            elif visible.get(name):
                q |= Q(scope_type=name, scope_id__in=sorted(visible[name]))
        return q

    def payload(self) -> str:
        data = {
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_repr": self.actor_repr,
            "ip": self.ip,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "details": self.details,
            "prev_hash": self.prev_hash,
        }
        if self.scope_type:  # absent from entries written before scopes: their hash holds
            data["scope_type"] = self.scope_type
            data["scope_id"] = self.scope_id
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256(self.payload().encode()).hexdigest()


class LoginEvent(models.Model):
    """Login journal: every login, failure, logout, lockout and MFA event (kept 1 year)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        FAILURE = "failure", _("Failed login")
        LOGOUT = "logout", _("Logout")
        LOCKOUT = "lockout", _("Lockout")
        MFA_SUCCESS = "mfa_success", _("Two-factor code accepted")
        MFA_FAILURE = "mfa_failure", _("Two-factor code refused")
        MFA_ADDED = "mfa_added", _("Two-factor method added")
        MFA_REMOVED = "mfa_removed", _("Two-factor method removed")
        IP_REFUSED = "ip_refused", _("Back-office access refused (IP)")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices, db_index=True)
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True, db_index=True)
    identifier = models.CharField(_("login entered"), max_length=254, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("login event")
        verbose_name_plural = _("login events")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.kind} {self.identifier}"
