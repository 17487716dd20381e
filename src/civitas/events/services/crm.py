"""Writes from the CRM interface (API): companies and their contacts (representatives).

The API validates the fields with the registration forms (same rules as the site: SIRET,
VAT number, country, e-mail...); these functions apply the rules that need the database,
save, refresh the catalogue search text and journal the write. Companies created here start
as "registered": validation stays an organiser's decision in the back office.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from civitas.core import journal

from ..models import Company, Event, Representative
from . import ServiceError, coorganisers, webhooks
from .registration import refresh_search_text


class FieldError(ServiceError):
    """A rule refused the value of one field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@transaction.atomic
def create_company(event: Event, company: Company, *, request=None) -> Company:
    company.event = event
    company.status = Company.Status.REGISTERED
    company.validated_at = None
    company.save()
    refresh_search_text(company)
    coorganisers.assign(company)
    journal.record("events.api_company_created", request=request, obj=company)
    webhooks.company_changed(company, webhooks.Topic.COMPANY_REGISTERED, source="api")
    company.refresh_from_db()
    return company


@transaction.atomic
def update_company(company: Company, changed: list[str], *, request=None) -> Company:
    if not changed:
        return company
    company.save()
    refresh_search_text(company)
    # Field names only: the values may be personal data.
    journal.record(
        "events.api_company_updated", request=request, obj=company, details={"fields": changed}
    )
    company.refresh_from_db()
    return company


def _check_email(event: Event, rep: Representative) -> None:
    taken = (
        Representative.objects.filter(company__event=event, email__iexact=rep.email)
        .exclude(company__status=Company.Status.REJECTED)
        .exclude(pk=rep.pk)
    )
    if taken.exists():
        raise FieldError(
            "email", _("%(email)s is already registered for this event.") % {"email": rep.email}
        )


@transaction.atomic
def create_contact(company: Company, rep: Representative, absent_sessions, *, request=None):
    if company.status == Company.Status.REJECTED:
        raise FieldError("company", _("This company's registration was rejected."))
    rep.company = company
    _check_email(company.event, rep)
    rep.save()
    rep.absent_sessions.set(absent_sessions)
    journal.record("events.api_contact_created", request=request, obj=rep)
    rep.refresh_from_db()
    return rep


@transaction.atomic
def update_contact(rep: Representative, changed: list[str], absent_sessions, *, request=None):
    if not changed:
        return rep
    _check_email(rep.company.event, rep)
    rep.save()
    if "absent_sessions" in changed:
        rep.absent_sessions.set(absent_sessions)
    journal.record(
        "events.api_contact_updated", request=request, obj=rep, details={"fields": changed}
    )
    rep.refresh_from_db()
    return rep
