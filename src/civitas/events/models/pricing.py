"""Prices of an event, promo codes and orders (the basket of a registration).

Money is `Decimal`; prices are before VAT with their own rate. The VAT decision, invoices
and payments are core billing's (civitas.core.billing)."""

import secrets
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .event import Event, EventChild
from .registration import Company


class EventPayment(EventChild):
    """How an event is paid: the seller that invoices, the providers offered, the CCI
    shop's store_key and mode."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="payment_settings")
    seller = models.ForeignKey("billing.Seller", verbose_name=_("seller"), on_delete=models.PROTECT)
    providers = models.JSONField(_("payment methods"), default=list)
    store_key = models.CharField(_("online shop store_key"), max_length=100, blank=True)
    shop_mode = models.CharField(
        _("online shop mode"),
        max_length=12,
        choices=[("test", _("Test")), ("production", _("Production"))],
        default="test",
    )
    reminder_days = models.PositiveSmallIntegerField(_("unpaid reminder after (days)"), default=7)
    checkin_refuse_unpaid = models.BooleanField(
        _("refuse entry when unpaid"),
        default=True,
        help_text=_(
            "At the entrance, a person whose company's order is due and not paid is sent "
            "to the reception desk."
        ),
    )

    class Meta:
        verbose_name = _("payment settings")
        verbose_name_plural = _("payment settings")

    def __str__(self):
        return str(self.event)


class PriceCategory(EventChild):
    """A price per audience (company, consultant, student...), set by the organiser."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="price_categories")
    name = models.CharField(_("audience"), max_length=100)
    amount = models.DecimalField(_("price excl. VAT"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("20.00")
    )
    early_amount = models.DecimalField(
        _("early price excl. VAT"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    early_until = models.DateField(_("early price until (included)"), null=True, blank=True)
    meeting_amount = models.DecimalField(
        _("price per meeting excl. VAT"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Charged for each scheduled meeting beyond those included."),
    )
    included_meetings = models.PositiveSmallIntegerField(
        _("meetings included in the price"), default=0
    )
    # Price by meeting type (seed 003 §5.2): a meeting with an expert is priced apart from
    # the business-to-business meetings above.
    expert_meeting_amount = models.DecimalField(
        _("price per expert meeting excl. VAT"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Charged for each meeting scheduled with an expert."),
    )
    is_internal = models.BooleanField(_("internal participants (do not pay)"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("price category")
        verbose_name_plural = _("price categories")
        ordering = ["event", "position", "pk"]

    def __str__(self):
        return self.name


class PromoCode(EventChild):
    class Kind(models.TextChoices):
        AMOUNT = "amount", _("Amount off (excl. VAT)")
        PERCENT = "percent", _("Percentage off")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="promo_codes")
    code = models.CharField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until (included)"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("number of uses"), null=True, blank=True)
    used = models.PositiveIntegerField(_("used"), default=0)
    categories = models.ManyToManyField(
        PriceCategory,
        verbose_name=_("only for these audiences"),
        blank=True,
        help_text=_("Leave empty for every audience."),
    )

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="events_promo_code_unique")
        ]

    def __str__(self):
        return self.code


def _token():
    return secrets.token_urlsafe(24)


class Order(EventChild):
    """The basket of one registration: its price line, the lines of registered sources,
    a promo code; paid through a core billing payment ("events.order:<pk>")."""

    class Status(models.TextChoices):
        OPEN = "open", _("Basket open")
        VAT_PENDING = "vat_pending", _("VAT check pending")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="orders")
    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="order")
    category = models.ForeignKey(
        PriceCategory, verbose_name=_("audience"), on_delete=models.PROTECT
    )
    promo = models.ForeignKey(PromoCode, null=True, blank=True, on_delete=models.SET_NULL)
    removed = models.JSONField(default=list, blank=True)  # codes of lines taken out
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    vat_check = models.ForeignKey(
        "billing.VatCheck", null=True, blank=True, on_delete=models.SET_NULL
    )
    language = models.CharField(max_length=5, default="fr")
    total_net = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    total_vat = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    total_gross = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self):
        return f"{self.company} ({self.get_status_display()})"

    @property
    def key(self):
        return f"events.order:{self.pk}"
