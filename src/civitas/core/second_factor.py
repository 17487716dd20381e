"""Throttling of second-factor codes, per account, shared by every process (issue 31).

After CIVITAS_MFA_MAX_FAILURES wrong codes (5) within CIVITAS_MFA_FAILURE_WINDOW_MINUTES
(15), the account's codes are refused for CIVITAS_MFA_LOCK_MINUTES (5), even a right one.
The count lives in the database (SecondFactorThrottle), so several web processes or servers
share it; a right code clears it. Blocks are journaled. allauth's own limit (in the cache)
stays as a second line.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import journal
from .models import LoginEvent, SecondFactorThrottle


def _max_failures() -> int:
    return getattr(settings, "CIVITAS_MFA_MAX_FAILURES", 5)


def _lock() -> timedelta:
    return timedelta(minutes=getattr(settings, "CIVITAS_MFA_LOCK_MINUTES", 5))


def _window() -> timedelta:
    return timedelta(minutes=getattr(settings, "CIVITAS_MFA_FAILURE_WINDOW_MINUTES", 15))


def blocked_message(user) -> str | None:
    """Why codes of `user` are refused right now, or None if they may try one."""
    until = (
        SecondFactorThrottle.objects.filter(user=user, locked_until__gt=timezone.now())
        .values_list("locked_until", flat=True)
        .first()
    )
    if until is None:
        return None
    minutes = max(1, int((until - timezone.now()).total_seconds() + 59) // 60)
    return _(
        "Too many wrong codes. For your security, codes for this account are refused for "
        "%(minutes)d more minute(s)."
    ) % {"minutes": minutes}


def record_failure(request, user) -> bool:
    """Count one wrong code; returns True if the account is now blocked."""
    now = timezone.now()
    with transaction.atomic():
        SecondFactorThrottle.objects.get_or_create(user=user)
        row = SecondFactorThrottle.objects.select_for_update().get(user=user)
        if row.first_failure_at is None or now - row.first_failure_at > _window():
            row.failures, row.first_failure_at = 0, now
        row.failures += 1
        blocked = row.failures >= _max_failures()
        if blocked:
            row.locked_until = now + _lock()
        row.save()
        if blocked:
            journal.record(
                "auth.second_factor_blocked",
                request=request,
                actor=user,
                obj=user,
                details={"failures": row.failures, "until": row.locked_until.isoformat()},
            )
            # The next period starts a fresh count.
            SecondFactorThrottle.objects.filter(pk=row.pk).update(failures=0, first_failure_at=None)
    return blocked


def record_success(user) -> None:
    SecondFactorThrottle.objects.filter(user=user).delete()


class _ThrottledMixin:
    def clean_code(self):
        request = context.request
        message = blocked_message(self.user)
        if message:
            from .signals import log_event

            log_event(LoginEvent.Kind.MFA_FAILURE, request, self.user)
            raise forms.ValidationError(message, code="blocked")
        try:
            code = super().clean_code()
        except forms.ValidationError:
            if record_failure(request, self.user):
                raise forms.ValidationError(blocked_message(self.user), code="blocked") from None
            raise
        record_success(self.user)
        return code


class ThrottledAuthenticateForm(_ThrottledMixin, AuthenticateForm):
    """allauth's second-factor form at login, with the per-account limit (MFA_FORMS)."""


class ThrottledReauthenticateForm(_ThrottledMixin, ReauthenticateForm):
    """allauth's second-factor form when confirming it again, with the same limit."""
