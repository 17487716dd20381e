"""Personal data held by the councils module (read by civitas.core.gdpr.registry).

Officials are anonymised on erasure. The trace of each sending (delivery, downloads) is
kept: it is the legal proof that a convocation reached the official in time (CE 30 March
2021, n°446461), and it is purged with the sitting after the retention period.
"""

from django.utils.translation import gettext_lazy as _

from civitas.core.gdpr import registry as r

r.register(
    "councils.Official",
    category="identity",
    person_fields=["first_name", "last_name", "email", "mobile", "address", "mandates", "user"],
    subject_filter=r.person_filter("email", "user"),
    erase="anonymise",
    anonymise={
        "first_name": "Anonyme",
        "last_name": "",
        "email": lambda obj, subject: f"anonyme-{obj.pk}@invalid.invalid",
        "mobile": "",
        "address": "",
        "user": None,
    },
    rectify_fields=["first_name", "last_name", "email", "mobile", "address"],
)
r.register(
    "councils.Delivery",
    category="legal_record",
    person_fields=[
        "email",
        "channel",
        "channel_chosen_at",
        "paper_sent_at",
        "first_opened_at",
        "acknowledged_at",
    ],
    subject_filter=r.person_filter("email"),
    erase="keep",
    keep_reason=_(
        "Proof that the council documents were sent in time (CGCT L5211-40-2); purged with "
        "the sitting after the retention period."
    ),
)
r.register(
    "councils.Download",
    category="connection",
    person_fields=["ip", "at"],
    subject_filter=r.person_filter("delivery__email"),
    erase="keep",
    keep_reason=_("Proof of the download of a council document; purged with the sitting."),
)
r.register_user_links("councils.Document", category="documents")
r.register_user_links("councils.Upload", category="documents")
r.register_user_links("councils.Sending", category="legal_record")
r.exempt(
    "councils.Sitting",
    _("The recipient list field names a list of officials, not a person."),
)
