"""Personal data held by billing (read by civitas.core.gdpr.registry). Invoices and
payments are accounting records: kept, not erased, for the legal period."""

from django.utils.translation import gettext_lazy as _

from civitas.core.gdpr import registry as r

_ACCOUNTING = _(
    "Accounting record: invoices and payments are kept ten years (Code de commerce, "
    "article L123-22); a correction is a credit note, never an erasure."
)

r.register(
    "billing.Invoice",
    category="identity",
    person_fields=["buyer_name", "buyer_address", "buyer_email", "buyer_vat_number"],
    subject_filter=r.person_filter("buyer_email"),
    erase="keep",
    keep_reason=_ACCOUNTING,
    retention_field="issued_on",
    rectify_fields=[],
)
r.register(
    "billing.Payment",
    category="identity",
    person_fields=["payer_email", "amount", "label", "created_at"],
    subject_filter=r.person_filter("payer_email"),
    erase="keep",
    keep_reason=_ACCOUNTING,
    retention_field="created_at",
    rectify_fields=[],
)
r.exempt(
    "billing.Seller",
    _("The seller is the public body that invoices: its published legal identity."),
)
r.exempt(
    "billing.VatCheck",
    _("A VIES check is about a company's VAT registration, from the EU's public register."),
)
