"""Tickets, their states (configuration) and their history, the source of truth of every
SLA clock: deadlines are computed from StateChange rows on every read, never stored."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from civitas.core import permissions

from .sla import Level


class TicketState(models.Model):
    """A state of the seed's list (004 §5.2.4), as configuration."""

    class Side(models.TextChoices):
        PROVIDER = "provider", _("Provider")
        CUSTOMER = "customer", _("Customer")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(
        _("label in English"),
        max_length=200,
        blank=True,
        help_text=_("Shown to people who use Civitas in English; empty: the French label."),
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    initial = models.BooleanField(_("initial state"), default=False)
    frozen = models.BooleanField(_("clock frozen"), default=False)
    waits_customer = models.BooleanField(_("waits for the customer"), default=False)
    resolves = models.BooleanField(_("fix delivered"), default=False)
    closed = models.BooleanField(_("closed"), default=False)
    automatic = models.BooleanField(_("set automatically"), default=False)
    auto_next = models.ForeignKey(
        "self",
        verbose_name=_("after days without customer action, goes to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    auto_after_days = models.PositiveSmallIntegerField(
        _("days without customer action"), default=20
    )

    class Meta:
        verbose_name = _("ticket state")
        verbose_name_plural = _("ticket states")
        ordering = ["order"]

    def __str__(self):
        return self.display_label

    def label_in(self, language: str | None) -> str:
        """The label in `language` ("en", "fr"...): the English one when asked and filled,
        otherwise the French one."""
        if (language or "").startswith("en") and self.label_en:
            return self.label_en
        return self.label

    @property
    def display_label(self) -> str:
        """The label in the active language (templates, PDFs, exports)."""
        return self.label_in(get_language())


class Service(models.TextChoices):
    APPLICATION_BUG = "application_bug", _("Application bug")
    INSTALLATION_BUG = "installation_bug", _("Installation bug")
    TECHNICAL_BUG = "technical_bug", _("Technical bug")
    COMMERCIAL = "commercial", _("Commercial request")
    FUNCTIONAL_HELP = "functional_help", _("Functional help")
    TECHNICAL_HELP = "technical_help", _("Technical help")
    EVOLUTION = "evolution", _("Evolution request")


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    structure = models.ForeignKey(
        "support.Structure", verbose_name=_("structure"), on_delete=models.PROTECT
    )
    queue = models.ForeignKey(
        "support.Queue", verbose_name=_("queue"), on_delete=models.PROTECT, null=True, blank=True
    )
    product = models.ForeignKey(
        "support.Product", verbose_name=_("product"), on_delete=models.PROTECT
    )
    version = models.ForeignKey(
        "support.Version",
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("description"))
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="support_tickets",
    )
    state = models.ForeignKey(TicketState, verbose_name=_("state"), on_delete=models.PROTECT)
    sla_table = models.ForeignKey(
        "support.SlaTable", verbose_name=_("SLA table"), on_delete=models.PROTECT
    )
    calendar = models.ForeignKey(
        "support.SupportCalendar", verbose_name=_("calendar"), on_delete=models.PROTECT
    )
    fixed_in = models.ForeignKey(
        "support.Version",
        verbose_name=_("fixed in version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fixed_tickets",
    )
    opened_at = models.DateTimeField(_("opened at"))
    updated_at = models.DateTimeField(_("updated at"))
    last_customer_action_at = models.DateTimeField(_("last customer action"))
    # Denormalised for the queue's ordering only (recomputed from the history by
    # services.sla.refresh); every screen shows the deadlines computed on read.
    next_deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    reply_token = models.CharField(max_length=40, blank=True)

    civitas_scope_fields = {"unit": "structure__unit"}

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["next_deadline", "id"], name="support_ticket_due")]

    def __str__(self):
        return f"{self.number} {self.subject}"

    def civitas_scope_chain(self):
        return permissions.unit_chain(self.structure.unit_id)


class StateChange(models.Model):
    """One entry of a ticket's history: a state entered, a workaround delivered, a
    requalification. The SLA clocks read these rows only."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(_("at"), db_index=True)
    state = models.ForeignKey(TicketState, verbose_name=_("state"), on_delete=models.PROTECT)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    workaround = models.BooleanField(_("workaround delivered"), default=False)
    automatic = models.BooleanField(_("automatic"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="support_history_ticket")]

    def __str__(self):
        return f"{self.ticket_id} {self.at:%Y-%m-%d %H:%M} {self.state_id}"


class Message(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer message")
        REPLY = "reply", _("Reply")
        NOTE = "note", _("Internal note")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"))
    by_email = models.BooleanField(_("received by e-mail"), default=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="support/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class SlaAlert(models.Model):
    """An alert already sent for a clock (so each one goes once)."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Deadline close")
        ESCALATION = "escalation", _("Deadline lapsed: escalation")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="alerts")
    clock = models.CharField(max_length=20)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "clock", "kind"], name="support_alert_unique")
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.clock} {self.kind}"
