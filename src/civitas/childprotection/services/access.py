"""Who may read a file: need to know (scope), or a break-glass access with a written reason.
Every read is journaled (who, when, which file, from where)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import accounts, journal, permissions
from civitas.core.sites import absolute_url

from ..models import BreakGlass, File

VIEW = "childprotection.view_files"
EDIT = "childprotection.edit_files"
BREAK_GLASS_HOURS = 8
REASON_MIN_LENGTH = 15  # characters of the written reason of a break-glass access


class AccessError(Exception):
    pass


class ReasonError(AccessError):
    """The written reason of a break-glass access is missing or too short."""


def visible_files(user):
    """The files `user` may see by their scope (deleted files excluded)."""
    return permissions.restrict(File.objects.alive(), user, VIEW)


def active_break_glass(user, file):
    return BreakGlass.objects.filter(user=user, file=file, expires_at__gt=timezone.now()).first()


def can_read(user, file) -> bool:
    if file.deleted_at is not None:
        return False
    if permissions.has_perm(user, VIEW, file):
        return True
    return active_break_glass(user, file) is not None


def can_edit(user, file) -> bool:
    if file.deleted_at is not None:
        return False
    if permissions.has_perm(user, EDIT, file):
        return True
    return active_break_glass(user, file) is not None and permissions.has_perm(user, EDIT)


def can_break_glass(user) -> bool:
    return permissions.has_perm(user, "childprotection.break_glass")


def record_read(request, file, what="file"):
    """Journal one consultation of a file (the DPO reads these entries)."""
    journal.record(
        "childprotection.file_read",
        request=request,
        obj=file,
        details={"what": what, "break_glass": not permissions.has_perm(request.user, VIEW, file)},
    )


@transaction.atomic
def break_glass(request, file, reason: str) -> BreakGlass:
    """Open `file` outside one's scope for a few hours; the CRIP managers are alerted."""
    user = request.user
    reason = (reason or "").strip()
    if not can_break_glass(user):
        raise AccessError(_("You may not open files outside your scope."))
    if len(reason) < REASON_MIN_LENGTH:
        raise ReasonError(
            _("Write the reason for this access (%(min)s characters at least).")
            % {"min": REASON_MIN_LENGTH}
        )
    access = BreakGlass.objects.create(
        user=user,
        file=file,
        reason=reason,
        expires_at=timezone.now() + timedelta(hours=BREAK_GLASS_HOURS),
    )
    journal.record(
        "childprotection.break_glass",
        request=request,
        obj=file,
        details={"reason": reason, "until": access.expires_at.isoformat()},
    )
    from civitas.core.outbox import services as outbox

    link = absolute_url("childprotection:file_detail", pk=file.pk)
    for manager in accounts.holders("childprotection.receive_alerts", file):
        if manager.pk == user.pk:
            continue
        outbox.send_message(
            "childprotection.break_glass",
            email=manager,
            context={"user": user.get_full_name() or user.email, "link": link},
        )
    return access
