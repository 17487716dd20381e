import hashlib
import json

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class JournalEntry(models.Model):
    """Action journal: administration actions, exports, reads of sensitive records.

    Tamper-evident: each entry stores the hash of the previous one and its own hash over
    its content; `manage.py verify_journal` recomputes the chain. Write through
    `civitas.core.journal.record()` only.
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
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_repr} {self.action}"

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
