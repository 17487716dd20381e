"""Core signals modules listen to, and the login journal's receivers.

Public signals (modules connect to these, never to post_save/post_delete of core models):

- `roles_changed(sender, user)`: the roles a user holds, or the permissions of one of their
  roles, have changed (sent by `civitas.core.accounts`: grant, revoke, save_role). Sent
  inside the transaction that made the change, once per user concerned.
- `account_erased(sender, user_id, email)`: the GDPR erasure has removed an account (or the
  data of a person without an account: user_id is then None). Sent inside the erasure's
  transaction, after the rows are gone: a receiver that raises undoes the erasure.
- `database_restored(sender, connection)`: a backup has just replaced the whole database
  (`civitas.core.backups`), statistics already gathered again: a module puts back what a
  dump does not carry (settings of extension functions...).

The rest of this file connects Django, allauth and axes signals to LoginEvent rows.
"""

from allauth.account.signals import password_changed, password_reset
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_used,
)
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from .models import LoginEvent

roles_changed = Signal()
account_erased = Signal()
database_restored = Signal()


def log_event(kind, request=None, user=None, identifier=""):
    meta = getattr(request, "META", {}) if request is not None else {}
    if user is not None and getattr(user, "is_authenticated", False):
        identifier = identifier or user.email
    LoginEvent.objects.create(
        kind=kind,
        user_id=getattr(user, "pk", None),
        identifier=(identifier or "")[:254],
        ip=meta.get("REMOTE_ADDR") or None,
        user_agent=(meta.get("HTTP_USER_AGENT") or "")[:400],
    )


def _identifier(credentials):
    # Never store the password: only the login the person typed.
    for key in ("email", "username", "login"):
        if credentials.get(key):
            return str(credentials[key]).lower()
    return ""


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    log_event(LoginEvent.Kind.LOGIN, request, user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        log_event(LoginEvent.Kind.LOGOUT, request, user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    log_event(LoginEvent.Kind.FAILURE, request, identifier=_identifier(credentials))


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    log_event(LoginEvent.Kind.LOCKOUT, request, identifier=username or "")


@receiver(authenticator_added)
def on_mfa_added(sender, request, user, authenticator, **kwargs):
    log_event(LoginEvent.Kind.MFA_ADDED, request, user)


@receiver(authenticator_removed)
def on_mfa_removed(sender, request, user, authenticator, **kwargs):
    log_event(LoginEvent.Kind.MFA_REMOVED, request, user)


@receiver(password_changed)
def on_password_changed(sender, request, user, **kwargs):
    log_event(LoginEvent.Kind.PASSWORD_CHANGED, request, user)


@receiver(password_reset)
def on_password_reset(sender, request, user, **kwargs):
    log_event(LoginEvent.Kind.PASSWORD_RESET, request, user)
    # The reset link was opened from the account's mailbox: that proves the address. Accounts
    # created for people (invitations, event registrations) set their first password this
    # way, and must then be able to log in without a second confirmation round trip.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)


@receiver(authenticator_used)
def on_mfa_used(sender, request, user, authenticator, **kwargs):
    log_event(LoginEvent.Kind.MFA_SUCCESS, request, user)


@receiver(authentication_failed)
def on_mfa_failed(sender, request, user, authenticator, **kwargs):
    # The code itself is never stored.
    log_event(LoginEvent.Kind.MFA_FAILURE, request, user)
