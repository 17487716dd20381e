"""A child of a file, the persons around them (authors, parental authority)."""

import unicodedata

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civitas.core.fields import EncryptedTextField


def normalise_name(text: str) -> str:
    """Upper case, no accents, single spaces: used for search and the national identifier."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c if c.isalnum() else " " for c in text.upper())
    return " ".join(text.split())


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "U", _("Unknown")


class Child(models.Model):
    file = models.ForeignKey(
        "childprotection.File", on_delete=models.CASCADE, related_name="children"
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    previous_file = models.ForeignKey(
        "childprotection.File",
        verbose_name=_("previous file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_name = models.CharField(_("usual name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    mother_birth_name = models.CharField(_("mother's birth name"), max_length=100, blank=True)
    commune = models.ForeignKey(
        "childprotection.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    street_number = models.CharField(_("number"), max_length=10, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    father_pcs = models.ForeignKey(
        "childprotection.SocioProfessionalCategory",
        verbose_name=_("father's socio-professional category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    mother_pcs = models.ForeignKey(
        "childprotection.SocioProfessionalCategory",
        verbose_name=_("mother's socio-professional category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    living_place = models.ForeignKey(
        "childprotection.LivingPlace",
        verbose_name=_("place of living"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    comment = EncryptedTextField(_("comment"), blank=True)
    danger_types = models.ManyToManyField(
        "childprotection.DangerType", verbose_name=_("types of danger"), blank=True
    )
    conclusion = models.ForeignKey(
        "childprotection.ConclusionType",
        verbose_name=_("conclusion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    conclusion_on = models.DateField(_("conclusion date"), null=True, blank=True)
    # this child's evaluation deadline (age at receipt, own types of danger, the file's
    # serious-danger flag), stored by services.files.refresh_deadline
    evaluation_due = models.DateField(_("evaluation due"), null=True, blank=True, editable=False)
    # normalised "LASTNAME FIRSTNAME" for accent-insensitive search on every database
    search_name = models.CharField(max_length=210, editable=False, db_index=True)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["birth_date", "pk"]
        indexes = [
            models.Index(fields=["birth_date"], name="cp_child_birth"),
            # the deadlines screen and the alert job: running deadlines only
            models.Index(
                fields=["evaluation_due"],
                condition=Q(conclusion__isnull=True),
                name="cp_child_due_running",
            ),
        ]

    def __str__(self):
        return f"{self.last_name} {self.first_name}"

    def save(self, *args, **kwargs):
        self.search_name = normalise_name(f"{self.last_name} {self.first_name}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)

    def civitas_scope_chain(self):
        return self.file.civitas_scope_chain()


class DeadlineAlert(models.Model):
    """One alert sent about a child's evaluation deadline, so that it is sent once per
    child and threshold (and again only if the deadline itself moves)."""

    class Threshold(models.TextChoices):
        SOON = "soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="deadline_alerts")
    threshold = models.CharField(_("threshold"), max_length=10, choices=Threshold.choices)
    due_on = models.DateField(_("deadline alerted"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["child", "threshold", "due_on"], name="cp_deadline_alert_once"
            )
        ]

    def __str__(self):
        return f"{self.get_threshold_display()} {self.due_on}"


class Person(models.Model):
    """An alleged author or a person with parental authority, for one child."""

    class Role(models.TextChoices):
        AUTHOR = "author", _("Alleged author")
        AUTHORITY = "authority", _("Parental authority")
        BOTH = "both", _("Alleged author and parental authority")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    is_minor = models.BooleanField(_("minor"), default=False)
    relationship = models.ForeignKey(
        "childprotection.Relationship",
        verbose_name=_("relationship"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self):
        return f"{self.get_role_display()} ({self.relationship or '-'})"
