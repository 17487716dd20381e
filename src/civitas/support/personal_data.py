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
