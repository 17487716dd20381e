"""Personal data held by exports and imports (read by civitas.core.gdpr.registry)."""

import re

from civitas.core.gdpr import registry as r


def _without_address(export, subject):
    """The person is removed from the recipients; exports they own go with their account."""
    if subject is None or not subject.email:
        return export.recipients
    kept = [
        a
        for a in re.split(r"[\s,;]+", export.recipients)
        if a and a.lower() != subject.email.lower()
    ]
    return "\n".join(kept)


r.register(
    "exports.ScheduledExport",
    category="account",
    person_fields=["owner", "recipients"],
    subject_filter=r.person_filter("recipients", "owner", email_lookup="icontains"),
    erase="anonymise",
    # the owner link stays: deleting the account deletes the exports it owns (CASCADE)
    anonymise={"owner": lambda obj, subject=None: obj.owner_id, "recipients": _without_address},
    rectify_fields=["recipients"],
)
r.register(
    "exports.ImportBatch",
    category="documents",
    person_fields=["owner", "file", "original_name", "created_at"],
    subject_filter=r.user_fk_filter("owner"),
    erase="delete",
    retention_field="created_at",
)
r.register(
    "exports.SavedReport",
    category="account",
    person_fields=["owner"],
    subject_filter=r.user_fk_filter("owner"),
    # a report holds columns and filters, no one's data; it goes with its owner's account
    erase="delete",
)
