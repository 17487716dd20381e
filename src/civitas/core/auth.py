"""Authentication glue: django-axes (which login is attempted, what a locked-out person
sees) and the API's token authentication and back-office guard (DRF settings)."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import BasePermission

from . import permissions


def axes_username(request, credentials):
    """The login typed (lower-cased), from allauth's credentials or the login form."""
    value = ""
    if credentials:
        value = credentials.get("email") or credentials.get("username") or ""
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login", "")
    return str(value).strip().lower()


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    # Same answer whether or not the account exists: axes counts failures per login typed.
    return render(
        request,
        "core/lockout.html",
        {
            "message": _(
                "Too many failed attempts. For your security, logging in with this "
                "account is suspended for a while. Try again later or reset your password."
            )
        },
        status=429,
    )


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` with a personal, expiring, revocable token (core.tokens).

    A refused key answers 401 with the reason (unknown, revoked, expired)."""

    def authenticate_credentials(self, key):
        from . import tokens

        try:
            token = tokens.authenticate(key)
        except tokens.TokenInvalid as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from exc
        from .audit import note_request_actor

        note_request_actor(token.user)  # the change trail names the token's holder
        return (token.user, token)


class BackofficeGuard(BasePermission):
    """The back office's guard, applied to the API (DRF default permission, before
    DenyUndeclared): for a back-office user, the IP allowlist and the second factor, with the
    same rule as the screens (`middleware.guard_refusal`). Public endpoints stay public, and
    people without a back-office role (participants) are not concerned."""

    message = ""

    def has_permission(self, request, view):
        from .middleware import guard_refusal
        from .models import LoginEvent, Organisation
        from .signals import log_event

        if getattr(view, "civitas_permission", None) == "public":
            return True
        user = request.user
        if not (user and user.is_authenticated and permissions.is_backoffice_user(user)):
            return True
        # A token carries whether it was created by a session that passed the second factor;
        # a session answers for itself.
        token = request.auth
        mfa_passed = getattr(token, "mfa_verified", None) if token is not None else None
        if token is not None and mfa_passed is None:
            mfa_passed = False  # a credential that cannot tell: never trusted
        refusal = guard_refusal(request, user, Organisation.get(), mfa_passed=mfa_passed)
        if refusal is None:
            return True
        if refusal.reason == "ip":
            log_event(LoginEvent.Kind.IP_REFUSED, request, user)
        self.message = refusal.message
        return False
