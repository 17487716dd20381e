from django.db import models
from django.utils.translation import gettext_lazy as _


class RetentionRule(models.Model):
    """How long rows of one data category are kept before the daily purge removes them."""

    category = models.CharField(_("data category"), max_length=60, unique=True)
    days = models.PositiveIntegerField(
        _("retention (days)"),
        help_text=_("Rows older than this many days are deleted or anonymised."),
    )
    enabled = models.BooleanField(_("applied"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["category"]

    def __str__(self):
        from . import registry

        return f"{registry.category_label(self.category)}: {self.days}"


class ProcessingActivity(models.Model):
    """One entry of the register of processing activities (GDPR art. 30)."""

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("Consent (art. 6.1.a)")
        CONTRACT = "contract", _("Performance of a contract (art. 6.1.b)")
        LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (art. 6.1.c)")
        VITAL_INTERESTS = "vital_interests", _("Vital interests (art. 6.1.d)")
        PUBLIC_TASK = "public_task", _("Public interest task (art. 6.1.e)")
        LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests (art. 6.1.f)")

    name = models.CharField(_("processing activity"), max_length=200)
    module = models.CharField(
        _("module"), max_length=60, blank=True, help_text=_("Civitas module concerned, if any.")
    )
    controller = models.TextField(
        _("controller and contact"),
        help_text=_("Name and contact details of the controller and of the DPO."),
    )
    purpose = models.TextField(_("purposes"))
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices)
    data_subjects = models.TextField(_("categories of data subjects"))
    data_categories = models.TextField(_("categories of personal data"))
    recipients = models.TextField(_("recipients"), blank=True)
    transfers_outside_eu = models.TextField(
        _("transfers outside the EU"), blank=True, help_text=_("Leave empty if none.")
    )
    retention = models.TextField(_("retention periods"))
    security_measures = models.TextField(_("security measures"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PrivacyNotice(models.Model):
    """The data-protection notice shown under a form, in French and English."""

    form_code = models.CharField(
        _("form code"),
        max_length=80,
        unique=True,
        help_text=_("Code used by the form, e.g. events.registration. 'default' is the fallback."),
    )
    label = models.CharField(_("form"), max_length=200)
    text_fr = models.TextField(
        _("text (French)"), help_text=_("Simple HTML allowed: paragraphs, links, emphasis.")
    )
    text_en = models.TextField(
        _("text (English)"), blank=True, help_text=_("Empty: the French text is shown.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["form_code"]

    def __str__(self):
        return self.label or self.form_code

    def text_for(self, language: str) -> str:
        if (language or "").startswith("en") and self.text_en.strip():
            return self.text_en
        return self.text_fr
