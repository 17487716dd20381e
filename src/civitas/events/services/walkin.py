"""On-site registration (walk-in): register a company and its representative in one form,
validated and checked in at once, badge ready to print; then the incremental scheduling
places the confirmed requests on the free slots without moving any planned meeting (the
same run fills the slots freed by cancellations and no-shows)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import CheckinList, Company, Representative
from . import ServiceError, checkin, regform, registration, scheduling


@transaction.atomic
def register(
    event,
    *,
    company_name,
    country,
    first_name,
    last_name,
    email,
    phone="",
    job_title="",
    checkin_list: CheckinList | None = None,
    by=None,
    request=None,
) -> Representative:
    company = Company(name=company_name, country=regform.country_code(country) or "FR")
    rep = Representative(
        first_name=first_name, last_name=last_name, email=email, phone=phone, job_title=job_title
    )
    company = registration.register_on_site(event, company, [rep], request=request)
    if company.pk is None or rep.pk is None:
        raise ServiceError(_("This address is already registered for the event."))
    rep.refresh_from_db()
    if checkin_list is not None:
        checkin.check_in(checkin_list, rep, by=by, method="walkin", device="walk-in")
    return rep


def fill_free_slots(event, *, user=None, request=None):
    """Place the confirmed requests without a meeting, nothing planned moves."""
    return scheduling.start(event, user=user, request=request, incremental=True)
