"""Customer structures and their declared correspondents (accounts and roles through
core's accounts service), and the settling of the référents' requests."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from civitas.core import accounts, journal
from civitas.core.models import Role

from ..models import Correspondent, UserRequest
from .tickets import TicketError

ROLE_OF_KIND = {"referent": "support_referent", "user": "support_user"}


@transaction.atomic
def add_correspondent(
    structure, email, full_name, kind, receives_reports=False, *, by=None, request=None
):
    """Declare a portal user of the structure: account (invited when new), role on the
    structure's unit, correspondent row. At most ``max_portal_users``."""
    if Correspondent.objects.filter(structure=structure).count() >= structure.max_portal_users:
        raise TicketError(
            _("Your structure has reached its %(n)s portal users.")
            % {"n": structure.max_portal_users}
        )
    role = Role.objects.filter(code=ROLE_OF_KIND[kind]).first()
    if role is None:
        raise TicketError(_("The support roles are missing: create them first."))
    user, created = accounts.get_or_create(email, full_name)
    if Correspondent.objects.filter(structure=structure, user=user).exists():
        raise TicketError(_("This person is already a portal user."))
    try:
        accounts.grant(user, role, ("unit", structure.unit_id), by=by, request=request)
    except accounts.AccountError as exc:
        raise TicketError(str(exc)) from exc
    if created:
        accounts.invite(user, request=request)
    link = Correspondent.objects.create(
        structure=structure, user=user, kind=kind, receives_reports=receives_reports
    )
    journal.record(
        "support.correspondent_added",
        request=request,
        obj=structure,
        details={"email": user.email, "kind": kind, "receives_reports": receives_reports},
    )
    return link


@transaction.atomic
def set_report_recipient(correspondent, receives: bool, *, by=None, request=None):
    """Name a correspondent to receive the structure's quarter reports by mail, or stop."""
    correspondent.receives_reports = bool(receives)
    correspondent.save(update_fields=["receives_reports"])
    journal.record(
        "support.report_recipient_changed",
        request=request,
        obj=correspondent.structure,
        details={"email": correspondent.user.email, "receives_reports": bool(receives)},
    )
    return correspondent


@transaction.atomic
def settle_request(user_request, state, *, by=None, request=None):
    """Mark a référent's request done or refused (the agent did what it asks)."""
    if state not in (UserRequest.State.DONE, UserRequest.State.REFUSED):
        raise TicketError(_("Unknown action."))
    user_request.state = state
    user_request.save(update_fields=["state"])
    journal.record(
        "support.user_request_settled",
        request=request,
        obj=user_request.structure,
        details={"state": state},
    )
    return user_request
