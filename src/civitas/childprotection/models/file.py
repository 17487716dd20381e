"""The file (dossier): one per sibling group, with its assignments to services."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civitas.core import permissions
from civitas.core.fields import EncryptedTextField


class FileQuerySet(models.QuerySet):
    def alive(self):
        """Files not deleted (deleted files are kept for the legal period, hidden)."""
        return self.filter(deleted_at__isnull=True)


class File(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Being processed")
        EVALUATION = "evaluation", _("Under evaluation")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("number"), max_length=20, unique=True)
    # identifier of the file in the former application (Access import), for idempotence
    legacy_id = models.CharField(_("former identifier"), max_length=40, blank=True, db_index=True)
    received_at = models.DateTimeField(_("processing date and time"))
    file_type = models.ForeignKey(
        "childprotection.FileType",
        verbose_name=_("file type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    sip = models.BooleanField(_("S.I.P."), default=False)
    serious_danger = models.BooleanField(_("serious and immediate danger"), default=False)
    domestic_violence = models.BooleanField(_("domestic violence"), default=False)
    receiver = models.CharField(_("receiver"), max_length=150, blank=True)
    channel = models.ForeignKey(
        "childprotection.Channel",
        verbose_name=_("channel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    source = models.ForeignKey(
        "childprotection.Source",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    snated_number = models.CharField(_("SNATED number"), max_length=30, blank=True)
    territory = models.ForeignKey(
        "core.Unit", verbose_name=_("territory"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    summary = EncryptedTextField(_("summary of the situation"), blank=True)
    cema_observation = EncryptedTextField(_("observation of the CEMA"), blank=True)
    evaluation_due = models.DateField(_("evaluation due"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_reason = models.TextField(_("reason for deletion"), blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FileQuerySet.as_manager()

    # restrict(): the territory's subtree, or a service unit the file is assigned to
    civitas_scope_fields = {"unit": "territory"}

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["received_at"], name="cp_file_received"),
            models.Index(fields=["status", "evaluation_due"], name="cp_file_due"),
            # the list screen: files not deleted, newest first (first page and its count
            # by an index-only scan)
            models.Index(
                F("received_at").desc(),
                F("id").desc(),
                condition=Q(deleted_at__isnull=True),
                name="cp_file_alive_recent",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("childprotection:file_detail", kwargs={"pk": self.pk})

    @classmethod
    def civitas_scope_q(cls, visible):
        units = sorted(visible.get("unit", ()))
        if not units:
            return Q(pk__in=[])
        assigned = Assignment.objects.filter(service__unit__in=units).values("file_id")
        return Q(territory__in=units) | Q(pk__in=assigned)

    def civitas_scope_chain(self):
        chain = list(permissions.unit_chain(self.territory_id))
        if self.pk:
            for unit_id in (
                Assignment.objects.filter(file=self, service__unit__isnull=False)
                .values_list("service__unit", flat=True)
                .distinct()
            ):
                chain += [s for s in permissions.unit_chain(unit_id) if s not in chain]
        return chain


class Assignment(models.Model):
    """Processing of a file assigned to a service: its task, dates and result."""

    file = models.ForeignKey(File, on_delete=models.CASCADE, related_name="assignments")
    service = models.ForeignKey(
        "childprotection.Service", verbose_name=_("service"), on_delete=models.PROTECT
    )
    task = models.CharField(_("task"), max_length=200)
    assigned_on = models.DateField(_("assigned on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = EncryptedTextField(_("result"), blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["assigned_on", "pk"]

    def __str__(self):
        return f"{self.service} : {self.task}"

    def civitas_scope_chain(self):
        return self.file.civitas_scope_chain()
