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


class Breach(models.Model):
    """One personal-data breach (GDPR art. 33.5: every breach is documented, notified or not).

    The customer's data protection officer is told within 4 hours of discovery (seed 002,
    annex I §VI); the supervisory authority (CNIL) within 72 hours unless the breach is
    unlikely to result in a risk (art. 33.1); the people concerned without undue delay when
    the risk is high (art. 34). Deadlines are computed from `discovered_at`.
    """

    class Risk(models.TextChoices):
        UNKNOWN = "unknown", _("Not assessed yet")
        NONE = "none", _("Unlikely to result in a risk")
        RISK = "risk", _("Risk for the people concerned")
        HIGH = "high", _("High risk for the people concerned")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    discovered_at = models.DateTimeField(_("discovered at"))
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    description = models.TextField(_("what happened"))
    confidentiality = models.BooleanField(
        _("loss of confidentiality"), default=False, help_text=_("Data disclosed or accessed.")
    )
    integrity = models.BooleanField(
        _("loss of integrity"), default=False, help_text=_("Data altered.")
    )
    availability = models.BooleanField(
        _("loss of availability"), default=False, help_text=_("Data lost or unreachable.")
    )
    cause = models.TextField(_("origin and cause"), blank=True)
    data_categories = models.TextField(_("categories of personal data concerned"), blank=True)
    sensitive_data = models.BooleanField(
        _("sensitive data or data on minors"),
        default=False,
        help_text=_("Health, social situation, offences, children: raises the risk."),
    )
    people_categories = models.TextField(_("categories of people concerned"), blank=True)
    people_count = models.PositiveIntegerField(
        _("approximate number of people"), null=True, blank=True
    )
    records_count = models.PositiveIntegerField(
        _("approximate number of records"), null=True, blank=True
    )
    consequences = models.TextField(_("likely consequences"), blank=True)
    risk = models.CharField(
        _("risk assessment"), max_length=10, choices=Risk.choices, default=Risk.UNKNOWN
    )
    assessment = models.TextField(_("reasons for the assessment"), blank=True)
    measures = models.TextField(
        _("measures taken or proposed"),
        blank=True,
        help_text=_("To end the breach, limit its effects and prevent it happening again."),
    )
    dpo_email = models.EmailField(_("data protection officer's e-mail"), blank=True)
    dpo_notified_at = models.DateTimeField(_("DPO notified at"), null=True, blank=True)
    cnil_notified_at = models.DateTimeField(_("CNIL notified at"), null=True, blank=True)
    cnil_reference = models.CharField(_("CNIL notification number"), max_length=60, blank=True)
    late_reason = models.TextField(
        _("reasons for a late notification"),
        blank=True,
        help_text=_("Required by article 33.1 when the CNIL is notified after 72 hours."),
    )
    people_informed_at = models.DateTimeField(_("people informed at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    alerts_sent = models.JSONField(_("alerts sent"), default=list, blank=True, editable=False)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("personal-data breach")
        verbose_name_plural = _("personal-data breaches")
        ordering = ["-discovered_at"]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    @property
    def reference(self) -> str:
        return f"VIOL-{self.discovered_at:%Y}-{self.pk or 0:04d}"
