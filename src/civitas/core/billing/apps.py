from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "civitas.core.billing"
    label = "billing"
    verbose_name = _("Billing (VAT, invoices, payments)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core import nav, permissions

        from . import periodic_jobs, providers  # noqa: F401

        permissions.register("billing.view_billing", _("See invoices and payments"), "billing")
        permissions.register(
            "billing.manage_billing",
            _("Record payments, reconcile transfers, issue credit notes"),
            "billing",
        )
        section = _("Billing")
        nav.register(section, _("Invoices"), "billing:invoices", "billing.view_billing", 60)
        nav.register(section, _("Payments"), "billing:payments", "billing.view_billing", 61)
        nav.register(section, _("VAT checks"), "billing:vat_checks", "billing.view_billing", 62)
        nav.register(section, _("Sellers"), "billing:sellers", "billing.manage_billing", 63)
        providers.load_builtin()
