"""The reporter of a file (person or body, may be anonymous) and their D226-2-8 requests."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from civitas.core.fields import EncryptedTextField


class Reporter(models.Model):
    file = models.OneToOneField(
        "childprotection.File", on_delete=models.CASCADE, related_name="reporter"
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    professional = models.BooleanField(_("professional"), default=False)
    identity = EncryptedTextField(_("identity (name or body)"), blank=True)
    contact = EncryptedTextField(_("contact details"), blank=True)

    class Meta:
        verbose_name = _("reporter")
        verbose_name_plural = _("reporters")

    def __str__(self):
        return str(_("Anonymous reporter")) if self.anonymous else str(_("Reporter"))


class ReporterRequest(models.Model):
    """A reporter's request to know what was done (CASF D226-2-8): answered within three
    months of the request, or refused with a recorded reason."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        ANSWERED = "answered", _("Answered")
        REFUSED = "refused", _("Refused")

    file = models.ForeignKey(
        "childprotection.File", on_delete=models.CASCADE, related_name="reporter_requests"
    )
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due"))
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    closed_on = models.DateField(_("answered or refused on"), null=True, blank=True)
    reason = EncryptedTextField(_("answer or reason for refusal"), blank=True)

    class Meta:
        verbose_name = _("reporter's request (D226-2-8)")
        verbose_name_plural = _("reporters' requests (D226-2-8)")
        ordering = ["received_on"]

    def __str__(self):
        return f"{self.file} {self.received_on}"

    def civitas_scope_chain(self):
        return self.file.civitas_scope_chain()
