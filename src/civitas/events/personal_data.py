"""Personal data held by the events module (read by civitas.core.gdpr.registry).

Representatives are anonymised rather than deleted on erasure: their meetings stay in the
event's records (attendance, fill rates, invoicing) for the retention period.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civitas.core.gdpr import registry as r


def _representative_filter(email, user):
    q = Q(email__iexact=email) if email else Q(pk__in=[])
    if user is not None:
        q |= Q(user=user)
    return q


def _company_filter(email, user):
    return Q(email__iexact=email) if email else Q(pk__in=[])


r.register(
    "events.Representative",
    category="identity",
    person_fields=["first_name", "last_name", "job_title", "email", "phone", "user"],
    subject_filter=_representative_filter,
    erase="anonymise",
    anonymise={
        "first_name": "Anonyme",
        "last_name": "",
        "job_title": "",
        "email": lambda obj, subject: f"anonyme-{obj.pk}@invalid.invalid",
        "phone": "",
        "user": None,
    },
    rectify_fields=["first_name", "last_name", "job_title", "email", "phone"],
)
r.register(
    "events.Company",
    category="identity",
    person_fields=["name", "email", "phone", "address", "postcode", "city"],
    subject_filter=_company_filter,
    erase="anonymise",
    anonymise={"email": "", "phone": ""},
    rectify_fields=["email", "phone"],
)
r.register_user_links("events.ScheduleRun", category="content")
r.exempt(
    "events.Event",
    _("The organiser address is the event's published functional contact, not a person's."),
)
r.exempt("events.Site", _("A venue's postal address."))
r.exempt(
    "events.MeetingRequest",
    _(
        "Links two representatives; their personal data lives in Representative (anonymised "
        "on erasure)."
    ),
)
r.register_user_links("events.WebhookSubscription", category="content")
r.exempt(
    "events.WebhookDelivery",
    _("Notification payloads hold ids, states and times only, never a person's data."),
)
r.exempt("events.DeletedRecord", _("A type and an id of a deleted record, nothing else."))
