"""Accounts and roles: the one service modules use to make accounts and grant roles.

    from civitas.core import accounts

    user, created = accounts.get_or_create("Jeanne.Dupont@Example.org", "Jeanne Dupont")
    if created:
        accounts.invite(user)                     # set-password mail through the outbox
    accounts.grant(user, role, ("event", event.pk), by=request.user, request=request)
    for organiser in accounts.holders("events.manage_messages", event):
        ...

Every grant and revoke goes through here: the principal-administrator rules live here, each
change is journaled and sends `civitas.core.signals.roles_changed` for the user concerned.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import journal, permissions
from .models import Role, RoleAssignment, User
from .signals import roles_changed

INVITATION_TEMPLATE = "core.account_invitation"


class AccountError(Exception):
    """A rule refused the change; str(exc) is a message for the person who asked."""


# --- Accounts -------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    """The form every account address is stored in: trimmed, lower case."""
    return User.objects.normalize_email((email or "").strip()).lower()


def find(email: str) -> User | None:
    """The account having this address (case-insensitive), or None."""
    email = normalise_email(email)
    if not email:
        return None
    return User.objects.filter(email__iexact=email).first()


def get_or_create(
    email: str,
    full_name: str = "",
    *,
    phone: str = "",
    language: str | None = None,
    verified: bool = False,
    password: str | None = None,
) -> tuple[User, bool]:
    """The account with this address (matched case-insensitively), created if missing.

    A new account has no usable password unless `password` is given (the person chooses it
    through `invite`'s link) and a primary address, verified if `verified` (an administrator
    typed it) or else verified when the person follows the set-password link. An existing
    account is returned unchanged: its name and phone are the person's, not the caller's."""
    from allauth.account.models import EmailAddress

    email = normalise_email(email)
    if not email:
        raise ValueError("An e-mail address is required")
    user = find(email)
    if user is not None:
        return user, False
    extra = {"full_name": (full_name or "")[:200], "phone": (phone or "")[:30]}
    if language:
        extra["language"] = language
    with transaction.atomic():
        user = User.objects.create_user(email, password, **extra)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user, True


def set_password_url(user) -> str:
    """Absolute link with which the account's holder chooses a (first) password (allauth's
    password-reset key: single use, expires with PASSWORD_RESET_TIMEOUT)."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    from .sites import absolute_url

    key = default_token_generator.make_token(user)
    return absolute_url("account_reset_password_from_key", uidb36=user_pk_to_url_str(user), key=key)


def invite(user, *, request=None, actor=None, context=None):
    """Mail the account's holder an invitation with a link to choose a password (through
    the outbox, template `core.account_invitation`, editable by administrators). Returns the
    outbox message."""
    from .outbox import services as outbox

    ctx = {
        "name": user.get_full_name(),
        "login": user.email,
        "password_url": set_password_url(user),
        **(context or {}),
    }
    message = outbox.queue_templated(INVITATION_TEMPLATE, user, ctx, language=user.language)
    journal.record("admin.user_invited", request=request, actor=actor, obj=user)
    return message


def register_templates():
    from .outbox import templates

    templates.register(
        INVITATION_TEMPLATE,
        gettext_lazy("Invitation to choose a password"),
        placeholders={
            "name": gettext_lazy("Name of the person"),
            "login": gettext_lazy("Login (e-mail address)"),
            "password_url": gettext_lazy("Link to choose a password"),
        },
        default_subject={
            "fr": "Votre compte sur {{ organisation }}",
            "en": "Your account on {{ organisation }}",
        },
        default_body={
            "fr": (
                "Bonjour {{ name }},\n\nUn compte a été créé pour vous sur {{ organisation }}."
                "\n\nVotre identifiant : {{ login }}\nChoisissez votre mot de passe : "
                "{{ password_url }}\n\nCe lien ne sert qu'une fois et expire au bout de "
                "quelques jours ; passé ce délai, demandez un nouveau lien depuis la page de "
                "connexion (« Mot de passe oublié »).\n\nL'équipe {{ organisation }}\n"
            ),
            "en": (
                "Hello {{ name }},\n\nAn account has been created for you on "
                "{{ organisation }}.\n\nYour login: {{ login }}\nChoose your password: "
                "{{ password_url }}\n\nThis link works once and expires after a few days; "
                "after that, ask for a new one from the login page (“Forgot your "
                "password?”).\n\nThe {{ organisation }} team\n"
            ),
        },
    )


# --- Roles ----------------------------------------------------------------------------------


def is_principal(user) -> bool:
    """Whether the user holds the principal administrator role (on any scope)."""
    if user is None or not getattr(user, "pk", None):
        return False
    return RoleAssignment.objects.filter(user=user, role__code=Role.PRINCIPAL_ADMIN).exists()


def _changed(user) -> None:
    permissions.clear_cache(user)
    roles_changed.send(sender=User, user=user)


def grant(user, role: Role, scope=(permissions.ORGANISATION, 1), *, by=None, request=None):
    """Give `role` to `user` on `scope` ((scope type, scope id)). Returns (assignment,
    created); granting a role already held changes nothing.

    `by` is the person granting (None: the platform itself, e.g. a data loader). Only a
    principal administrator (or a superuser) may grant the principal administrator role."""
    if by is None and request is not None and request.user.is_authenticated:
        by = request.user
    scope_type, scope_id = scope
    if (
        role.is_principal
        and by is not None
        and not getattr(by, "is_superuser", False)
        and not is_principal(by)
    ):
        raise AccountError(_("Only a principal administrator can grant that role."))
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user,
            role=role,
            scope_type=scope_type,
            scope_id=int(scope_id),
            defaults={"created_by": by if getattr(by, "pk", None) else None},
        )
        if created:
            journal.record(
                "admin.role_assigned",
                request=request,
                actor=by,
                obj=user,
                details={"role": role.code, "scope": f"{scope_type}:{scope_id}"},
            )
            _changed(user)
    return assignment, created


def _locked_role(pk) -> Role:
    """The role row, locked until the transaction ends: revokes of one role run one at a
    time (tests/core/test_accounts.py shows the race without it)."""
    return Role.objects.select_for_update().get(pk=pk)


def revoke(assignment: RoleAssignment, *, by=None, request=None) -> None:
    """Take a role assignment away. The last principal administrator cannot be removed
    (checked under a lock on the principal role, so two administrators removing each other
    at the same time cannot leave none)."""
    if by is None and request is not None and request.user.is_authenticated:
        by = request.user
    with transaction.atomic():
        role = _locked_role(assignment.role_id)
        if role.is_principal and RoleAssignment.objects.filter(role=role).count() <= 1:
            raise AccountError(_("The last principal administrator cannot be removed."))
        deleted, _rows = RoleAssignment.objects.filter(pk=assignment.pk).delete()
        if not deleted:
            return
        user = User.objects.get(pk=assignment.user_id)
        journal.record(
            "admin.role_revoked",
            request=request,
            actor=by,
            obj=user,
            details={
                "role": role.code,
                "scope": f"{assignment.scope_type}:{assignment.scope_id}",
            },
        )
        _changed(user)


def save_role(role: Role, *, by=None, request=None) -> Role:
    """Save a role (new, or its permissions edited), journal it, and tell every holder's
    listeners that their roles changed."""
    if by is None and request is not None and request.user.is_authenticated:
        by = request.user
    with transaction.atomic():
        role.save()
        journal.record(
            "admin.role_saved",
            request=request,
            actor=by,
            obj=role,
            details={"permissions": sorted(role.permissions or [])},
        )
        for user in User.objects.filter(role_assignments__role=role).distinct():
            _changed(user)
    return role


def holders(codename: str, obj=None):
    """Active users holding `codename` on a scope containing `obj` (any scope if None),
    through their roles: "who organises this event", "who may answer its messages".

    Superusers hold every permission but are technical accounts: they are listed only if a
    role gives them the permission. Ordered by e-mail address."""
    permissions.get(codename)  # KeyError for an unknown permission
    roles = [r.pk for r in Role.objects.all() if codename in r.granted()]
    if not roles:
        return User.objects.none()
    assignments = RoleAssignment.objects.filter(role__in=roles)
    if obj is not None:
        scopes = Q(pk__in=[])
        for scope_type, scope_id in permissions.scope_chain(obj):
            scopes |= Q(scope_type=scope_type, scope_id=scope_id)
        assignments = assignments.filter(scopes)
    return User.objects.filter(is_active=True, pk__in=assignments.values("user_id")).order_by(
        "email"
    )
