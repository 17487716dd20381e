"""Sendings of a sitting's documents and the trace of each recipient."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core import permissions

from .perimeter import Official
from .sitting import Document, Sitting


class Sending(models.Model):
    class Phase(models.TextChoices):
        BEFORE = "before", _("Convocation and documents")
        AFTER = "after", _("Decisions and minutes")

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="sendings")
    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices)
    sent_at = models.DateTimeField(_("sent on"), default=timezone.now)
    sent_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    full_days = models.IntegerField(_("full days before the sitting"), null=True, blank=True)
    required_days = models.IntegerField(_("full days required"), null=True, blank=True)
    late_reason = models.TextField(_("reason for a late sending"), blank=True)
    documents = models.ManyToManyField(Document, related_name="sendings")

    civitas_scope_fields = {"unit": "sitting__epci__unit"}

    class Meta:
        verbose_name = _("sending")
        ordering = ["sent_at"]

    def __str__(self):
        return f"{self.sitting} – {self.get_phase_display()}"

    def civitas_scope_chain(self):
        return permissions.unit_chain(self.sitting.epci.unit_id)


class Delivery(models.Model):
    """One recipient of one sending: channel, times, and the personal link's secret."""

    sending = models.ForeignKey(Sending, on_delete=models.CASCADE, related_name="deliveries")
    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=12, choices=Official.Channel.choices)
    channel_chosen_at = models.DateTimeField()
    email = models.CharField(max_length=254, blank=True)
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message_id = models.BigIntegerField(null=True, blank=True)  # outbox e-mail
    sms_message_id = models.BigIntegerField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    paper_sent_at = models.DateTimeField(_("paper sent on"), null=True, blank=True)
    paper_recorded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    civitas_scope_fields = {"unit": "sending__sitting__epci__unit"}

    class Meta:
        verbose_name = _("delivery")
        constraints = [
            models.UniqueConstraint(fields=["sending", "official"], name="councils_delivery_once")
        ]

    def __str__(self):
        return f"{self.official} – {self.sending}"

    def civitas_scope_chain(self):
        return permissions.unit_chain(self.sending.sitting.epci.unit_id)


class Download(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="downloads")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="downloads")
    at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"{self.document} – {self.at:%Y-%m-%d %H:%M}"


class ProofBundle(models.Model):
    sending = models.ForeignKey(Sending, on_delete=models.CASCADE, related_name="proofs")
    created_at = models.DateTimeField(default=timezone.now)
    manifest = models.TextField()  # canonical JSON
    sha256 = models.CharField(max_length=64)
    journal_entry_id = models.BigIntegerField(null=True, blank=True)
    journal_hash = models.CharField(max_length=64, blank=True)
    tsa_url = models.CharField(max_length=300, blank=True)
    tsa_token = models.BinaryField(null=True, blank=True)
    tsa_time = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.sending} – {self.sha256[:12]}"
