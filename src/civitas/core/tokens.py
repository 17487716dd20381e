"""Personal API tokens: the one place that creates, checks and revokes them.

A token acts for its owner with the owner's permissions. Rules (issue 31):
- a person with a back-office role creates a token only from a session that passed the
  second factor (and that the back-office guard lets through: IP allowlist...);
- a token expires (CIVITAS_API_TOKEN_DAYS, 90 by default) and can be revoked at any time;
- only a hash of the key is stored; the key is shown once.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import journal
from .models import ApiToken, Organisation
from .models.tokens import hash_key
from .permissions import is_backoffice_user

MAX_DAYS = 366


class TokenRefused(Exception):
    """Creating the token is not allowed; the message says why (shown to the person)."""


class TokenInvalid(Exception):
    """The key presented is unknown, revoked or expired; the message says which."""


def default_days() -> int:
    return getattr(settings, "CIVITAS_API_TOKEN_DAYS", 90)


def issue(user, name: str, *, mfa_verified: bool, days: int | None = None):
    """Create a token for `user`; returns (token, key). The key is never stored."""
    days = default_days() if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise TokenRefused(_("A token lasts between 1 and %(max)d days.") % {"max": MAX_DAYS})
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or _("API token"),
        prefix=key[:8],
        key_hash=hash_key(key),
        created_at=now,
        expires_at=now + timedelta(days=days),
        mfa_verified=mfa_verified,
    )
    return token, key


def create_for_session(request, name: str, days: int | None = None):
    """A person creates a token from their logged-in session (the token page)."""
    from .middleware import guard_refusal, session_passed_mfa

    user = request.user
    passed = session_passed_mfa(request, user)
    if is_backoffice_user(user):
        refusal = guard_refusal(request, user, Organisation.get())
        if refusal is not None:
            raise TokenRefused(refusal.message)
        if not passed:
            raise TokenRefused(
                _(
                    "Your role gives access to the back office: API tokens can only be "
                    "created after logging in with your second factor."
                )
            )
    with transaction.atomic():
        token, key = issue(user, name, mfa_verified=passed, days=days)
        journal.record(
            "api_token.create",
            request=request,
            obj=token,
            details={"expires_at": token.expires_at.isoformat(), "mfa": passed},
        )
    return token, key


def revoke(request, token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        journal.record("api_token.revoke", request=request, obj=token)


def tokens_of(user):
    return ApiToken.objects.filter(user=user)


def authenticate(key: str) -> ApiToken:
    """The active token for `key`, or TokenInvalid with the reason."""
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=hash_key(key or "")).first()
        if key
        else None
    )
    if token is None or not token.user.is_active:
        raise TokenInvalid(_("Invalid token."))
    if token.revoked_at is not None:
        raise TokenInvalid(_("This token has been revoked."))
    now = timezone.now()
    if token.expires_at <= now:
        raise TokenInvalid(
            _("This token expired on %(date)s: create a new one.")
            % {"date": timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")}
        )
    # One write a minute at most per token, not one per request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
