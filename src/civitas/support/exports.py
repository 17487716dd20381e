"""Exporters of the support desk: the quarter's ticket list (003 §13.6.5) and the SLA
compliance table, in CSV, Excel, XML and JSON through core's exports."""

from django.utils.translation import gettext_lazy as _

from civitas.core.exports.registry import Exporter, InvalidFilter, register
from civitas.core.params import int_param

from .services import reports

PERM = "support.view_reports"


def _quarter(params):
    year, quarter = reports.current_quarter()
    year = int_param(params.get("year")) or year
    quarter = int_param(params.get("quarter")) or quarter
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise InvalidFilter(_("Choose a year and a quarter (1 to 4)."))
    return year, quarter


@register
class QuarterTicketsExporter(Exporter):
    code = "support.quarter_tickets"
    label = _("Support tickets of a quarter")
    permission = PERM
    filter_params = ("year", "quarter")
    columns = [
        ("number", _("Number")),
        ("opened_at", _("Date and time")),
        ("structure", _("Structure")),
        ("requester", _("Requester")),
        ("service", _("Service")),
        ("level", _("Level")),
        ("subject", _("Reason")),
        ("state", _("Follow-up")),
    ]

    def queryset(self, user, params):
        return reports.quarter_tickets(reports.visible(user), *_quarter(params))

    def row(self, t):
        return {
            "number": t.number,
            "opened_at": t.opened_at,
            "structure": t.structure.name,
            "requester": t.requester.get_full_name() if t.requester else "",
            "service": t.get_service_display(),
            "level": t.get_level_display(),
            "subject": t.subject,
            "state": t.state.display_label,
        }


@register
class ComplianceExporter(Exporter):
    code = "support.sla_compliance"
    label = _("SLA compliance per level and clock")
    permission = PERM
    filter_params = ("year", "quarter")
    columns = [
        ("level", _("Level")),
        ("clock", _("Clock")),
        ("on_time", _("Met on time")),
        ("late", _("Met late")),
        ("lapsed", _("Lapsed, still running")),
        ("running", _("Running")),
        ("rate", _("On-time rate (%)")),
    ]

    def queryset(self, user, params):
        return reports.compliance(reports.quarter_tickets(reports.visible(user), *_quarter(params)))

    def row(self, r):
        return r
