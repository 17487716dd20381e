"""Billing records. Amounts are `Decimal` (two places), rates are percentages (20.00).

An issued invoice or credit note is never changed: `Invoice.save()` refuses an update and
`delete()` refuses always; a correction is a credit note plus a new invoice."""

import secrets
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


def _token():
    return secrets.token_urlsafe(24)


class ImmutableError(Exception):
    """An issued invoice, its lines or a settled trace cannot be changed."""


class Seller(models.Model):
    """The body that invoices: one numbering series per seller and year."""

    name = models.CharField(_("legal name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=100, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    address = models.TextField(_("address"))
    postcode = models.CharField(_("postcode"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country (ISO code)"), max_length=2, default="FR")
    email = models.EmailField(_("billing e-mail"), blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    invoice_prefix = models.CharField(_("invoice number prefix"), max_length=10, default="F")
    credit_note_prefix = models.CharField(_("credit note prefix"), max_length=10, default="AV")
    payment_days = models.PositiveSmallIntegerField(_("payment term (days)"), default=30)
    late_penalty_rate = models.DecimalField(
        _("late-payment interest rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("12.15"),
    )

    class Meta:
        verbose_name = _("seller")
        verbose_name_plural = _("sellers")

    def __str__(self):
        return self.name


class VatCheck(models.Model):
    """One check of a VAT number against VIES: the trace (request, answer, consultation
    number, time). A pending check is asked again by the periodic job."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        INVALID = "invalid", _("Invalid")
        PENDING = "pending", _("VAT check pending")

    vat_number = models.CharField(_("VAT number"), max_length=20)
    country = models.CharField(_("country"), max_length=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    requester_vat_number = models.CharField(max_length=20, blank=True)
    consultation_number = models.CharField(_("consultation number"), max_length=100, blank=True)
    trader_name = models.CharField(max_length=300, blank=True)
    trader_address = models.TextField(blank=True)
    request = models.TextField(_("request sent"), blank=True)
    answer = models.TextField(_("answer received"), blank=True)
    error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("VAT check")
        verbose_name_plural = _("VAT checks")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.vat_number} ({self.get_status_display()})"


class InvoiceSequence(models.Model):
    """Last number used per seller, kind and year (locked while a number is taken)."""

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT)
    kind = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seller", "kind", "year"], name="billing_seq_unique")
        ]

    def __str__(self):
        return f"{self.seller_id}/{self.kind}/{self.year}: {self.last_number}"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=30)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    language = models.CharField(max_length=5, default="fr")
    currency = models.CharField(max_length=3, default="EUR")
    # Seller identity as printed (the seller's record may change later).
    seller_snapshot = models.JSONField(default=dict)
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_address = models.TextField(_("buyer address"), blank=True)
    buyer_country = models.CharField(max_length=2, default="FR")
    buyer_vat_number = models.CharField(max_length=20, blank=True)
    buyer_email = models.EmailField(blank=True)
    buyer_is_business = models.BooleanField(default=True)
    vat_mention = models.CharField(_("VAT mention"), max_length=200, blank=True)
    vat_check = models.ForeignKey(VatCheck, null=True, blank=True, on_delete=models.PROTECT)
    total_net = models.DecimalField(max_digits=12, decimal_places=2)
    total_vat = models.DecimalField(max_digits=12, decimal_places=2)
    total_gross = models.DecimalField(max_digits=12, decimal_places=2)
    refers_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # Who asked for it: "events.order:12" (modules find their invoices by this key).
    source = models.CharField(max_length=100, db_index=True)
    access_token = models.CharField(max_length=40, default=_token, unique=True, editable=False)
    paid = models.BooleanField(default=False)  # the only field that may change (once)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "number"], name="billing_invoice_number")
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or set(update_fields) - {"paid"}:
                raise ImmutableError("An issued invoice cannot be changed; issue a credit note.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("An issued invoice cannot be deleted; issue a credit note.")

    @property
    def is_credit_note(self):
        return self.kind == self.Kind.CREDIT_NOTE


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)  # before VAT
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    net = models.DecimalField(max_digits=12, decimal_places=2)
    vat = models.DecimalField(max_digits=12, decimal_places=2)
    gross = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("An issued invoice line cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("An issued invoice line cannot be deleted.")


class Payment(models.Model):
    """One attempt to collect an amount through one provider."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        REFUSED = "refused", _("Refused")
        ABANDONED = "abandoned", _("Abandoned")
        REFUNDED = "refunded", _("Refunded")

    provider = models.CharField(_("provider"), max_length=30)
    # Our reference, given to the provider ([A-Za-z0-9], at most 30: PayFiP's refdet).
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    payable = models.CharField(max_length=100, db_index=True)  # "events.order:12"
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="EUR")
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    payer_email = models.EmailField(blank=True)
    label = models.CharField(max_length=200, blank=True)
    options = models.JSONField(default=dict, blank=True)  # provider settings (store_key...)
    provider_ref = models.CharField(max_length=100, blank=True, db_index=True)  # idOp...
    redirect_url = models.CharField(max_length=500, blank=True)
    return_url = models.CharField(max_length=500, blank=True)
    token = models.CharField(max_length=40, default=_token, unique=True, editable=False)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.CharField(max_length=100, blank=True)  # "notification", "user:3"...

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]

    def __str__(self):
        return self.reference


class PaymentNotice(models.Model):
    """Journal of what providers told us (callbacks, returns, status reads, CSV lines),
    accepted or not: a forged, replayed or unknown notice is kept here with its verdict."""

    class Verdict(models.TextChoices):
        APPLIED = "applied", _("Applied")
        UNCHANGED = "unchanged", _("Already known (replay)")
        FORGED = "forged", _("Refused: not verified")
        UNKNOWN = "unknown", _("Refused: unknown payment")
        ERROR = "error", _("Provider error")

    provider = models.CharField(max_length=30)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.SET_NULL)
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    outcome = models.CharField(max_length=10, blank=True)
    raw = models.TextField(blank=True)
    detail = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.provider} {self.verdict}"
