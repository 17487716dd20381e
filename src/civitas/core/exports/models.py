import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .writers import FORMAT_CHOICES, PDF

# A saved report may also be scheduled as its A4 landscape PDF table (reports.render_report_pdf);
# a plain export has only the writers' formats.
SCHEDULE_FORMAT_CHOICES = [*FORMAT_CHOICES, (PDF, _("PDF (A4 landscape table)"))]


class SavedReport(models.Model):
    """A report someone built on an exporter: chosen columns in their order, the exporter's
    own filters, and the scope object it is bound to (an event...), if the exporter is scoped.

    Whoever runs it (on screen or on schedule) needs the exporter's permission on that scope.
    """

    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_reports",
    )
    exporter = models.CharField(_("source"), max_length=100)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    scope_type = models.CharField(_("scope type"), max_length=30, blank=True)
    scope_id = models.BigIntegerField(_("scope"), null=True, blank=True)
    shared = models.BooleanField(
        _("shared"),
        default=True,
        help_text=_("The other people who may run this source on the same scope see it too."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("saved report")
        verbose_name_plural = _("saved reports")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["scope_type", "scope_id"])]

    def __str__(self):
        return self.name


class ScheduledExport(models.Model):
    """An export run on a period with saved filters, delivered by e-mail or to a directory."""

    class Period(models.TextChoices):
        DAILY = "daily", _("Every day")
        WEEKLY = "weekly", _("Every week")
        MONTHLY = "monthly", _("Every month")

    class Delivery(models.TextChoices):
        EMAIL = "email", _("By e-mail")
        DIRECTORY = "directory", _("To a directory on the server")

    name = models.CharField(_("name"), max_length=200)
    exporter = models.CharField(_("export"), max_length=100)
    format = models.CharField(
        _("format"), max_length=10, choices=SCHEDULE_FORMAT_CHOICES, default="csv"
    )
    params = models.JSONField(_("filters"), default=dict, blank=True)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    recipients = models.TextField(
        _("e-mail addresses"), blank=True, help_text=_("One address per line.")
    )
    directory = models.CharField(
        _("directory"),
        max_length=300,
        blank=True,
        help_text=_("A sub-directory of the configured export directory (CIVITAS_EXPORT_DIR)."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="scheduled_exports",
    )
    report = models.ForeignKey(
        SavedReport,
        verbose_name=_("saved report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
        help_text=_("Its columns and filters are used; the owner's rights are checked each run."),
    )
    active = models.BooleanField(_("active"), default=True)
    next_run = models.DateTimeField(_("next run"), db_index=True)
    last_run = models.DateTimeField(_("last run"), null=True, blank=True)
    last_status = models.CharField(_("last status"), max_length=10, blank=True)
    last_message = models.CharField(_("last message"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled export")
        verbose_name_plural = _("scheduled exports")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def recipient_list(self) -> list[str]:
        return [ln.strip() for ln in self.recipients.replace(",", "\n").splitlines() if ln.strip()]


class ImportBatch(models.Model):
    """One uploaded file going through mapping, dry run and commit.

    The file is kept in MEDIA_ROOT between requests and deleted once committed or cancelled.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKED = "checked", _("Checked (dry run)")
        COMMITTED = "committed", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    importer = models.CharField(_("import"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="import_batches",
    )
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(max_length=10)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=2, blank=True)
    headers = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name
