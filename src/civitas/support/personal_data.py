"""Personal data held by the support desk (read by civitas.core.gdpr.registry).

Tickets and messages stay in the maintenance records (SLA reports) for the retention period:
erasure unlinks the person rather than deleting them."""

from django.utils.translation import gettext_lazy as _

from civitas.core.gdpr import registry as r

r.register_user_links("support.Ticket", category="content", fields=["requester"])
r.register_user_links("support.Message", category="content", fields=["author"])
r.register_user_links("support.StateChange", category="content", fields=["by"])
r.register_user_links("support.Correspondent", category="identity", fields=["user"])
r.exempt("support.Structure", _("A customer body and its functional account manager."))
r.register_user_links("support.TimeEntry", category="content", fields=["agent"])
r.exempt(
    "support.TimeBook",
    _("Hours bought by a customer body and its phone allowance: no personal data."),
)
# A référent's request to add, suspend or delete a portal user: the person's address and
# name (kept 60 days in the history shown to the référent), and who asked.
r.register(
    "support.UserRequest",
    category="identity",
    person_fields=["email", "full_name"],
    subject_filter=r.person_filter("email", "requested_by"),
    erase="delete",
)
# The requester's answer to the satisfaction question: the score stays in the reports, the
# free comment is the person's words (erasure blanks it).
r.register(
    "support.Satisfaction",
    category="content",
    person_fields=["comment"],
    subject_filter=r.person_filter(user_field="ticket__requester"),
    erase="anonymise",
    anonymise={"comment": ""},
)
# Who received which quarter report of their structure: the record stays (what was sent),
# no longer pointing at an erased person.
r.register_user_links("support.ReportMailing", category="content", fields=["recipient"])
