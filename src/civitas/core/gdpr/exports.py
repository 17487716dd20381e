"""Export of the register of personal-data breaches (CSV, XLSX, XML, JSON)."""

from django.utils.translation import gettext_lazy as _

from civitas.core.exports.registry import Exporter, register

from .models import Breach


@register
class BreachExporter(Exporter):
    code = "gdpr.breaches"
    label = _("Personal-data breaches")
    permission = "gdpr.manage_breaches"
    columns = [
        ("reference", _("Reference")),
        ("title", _("Title")),
        ("discovered_at", _("Discovered at")),
        ("occurred_at", _("Occurred at")),
        ("nature", _("Nature")),
        ("data_categories", _("Categories of personal data concerned")),
        ("sensitive_data", _("Sensitive data or data on minors")),
        ("people_categories", _("Categories of people concerned")),
        ("people_count", _("Approximate number of people")),
        ("consequences", _("Likely consequences")),
        ("risk", _("Risk assessment")),
        ("measures", _("Measures taken or proposed")),
        ("dpo_notified_at", _("DPO notified at")),
        ("cnil_notified_at", _("CNIL notified at")),
        ("cnil_reference", _("CNIL notification number")),
        ("people_informed_at", _("People informed at")),
        ("status", _("Status")),
    ]

    def queryset(self, user, params):
        return Breach.objects.order_by("discovered_at")

    def row(self, b):
        nature = [
            str(label)
            for flag, label in (
                (b.confidentiality, _("confidentiality")),
                (b.integrity, _("integrity")),
                (b.availability, _("availability")),
            )
            if flag
        ]
        return {
            "reference": b.reference,
            "title": b.title,
            "discovered_at": b.discovered_at,
            "occurred_at": b.occurred_at,
            "nature": ", ".join(nature),
            "data_categories": b.data_categories,
            "sensitive_data": b.sensitive_data,
            "people_categories": b.people_categories,
            "people_count": b.people_count,
            "consequences": b.consequences,
            "risk": b.get_risk_display(),
            "measures": b.measures,
            "dpo_notified_at": b.dpo_notified_at,
            "cnil_notified_at": b.cnil_notified_at,
            "cnil_reference": b.cnil_reference,
            "people_informed_at": b.people_informed_at,
            "status": b.get_status_display(),
        }
