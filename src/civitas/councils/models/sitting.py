"""Sittings (séances) and their documents."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core import permissions

from .perimeter import EPCI, RecipientList


class Sitting(models.Model):
    class Body(models.TextChoices):
        COUNCIL = "council", _("Community council")
        BUREAU = "bureau", _("Bureau")
        COMMISSION = "commission", _("Commission")

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="sittings")
    body = models.CharField(_("body"), max_length=12, choices=Body.choices, default=Body.COUNCIL)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    urgency = models.BooleanField(_("urgency"), default=False)
    recipient_list = models.ForeignKey(
        RecipientList,
        verbose_name=_("recipients"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    reminder_hours = models.PositiveIntegerField(
        _("reminder (hours before the sitting)"), null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    purged_at = models.DateTimeField(_("purged on"), null=True, blank=True)

    civitas_scope_fields = {"unit": "epci__unit"}

    class Meta:
        verbose_name = _("sitting")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.date):%d/%m/%Y})"

    def civitas_scope_chain(self):
        return permissions.unit_chain(self.epci.unit_id)


class Document(models.Model):
    class Kind(models.TextChoices):
        CONVOCATION = "convocation", _("Convocation")
        NOTE = "note", _("Explanatory note")
        ITEM = "item", _("Agenda item document")
        DECISIONS = "decisions", _("List of decisions")
        MINUTES = "minutes", _("Minutes")

    BEFORE = (Kind.CONVOCATION, Kind.NOTE, Kind.ITEM)
    AFTER = (Kind.DECISIONS, Kind.MINUTES)

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="councils/documents/%Y/%m/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.BigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    civitas_scope_fields = {"unit": "sitting__epci__unit"}

    class Meta:
        verbose_name = _("document")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title

    @property
    def phase(self):
        return "after" if self.kind in self.AFTER else "before"

    def civitas_scope_chain(self):
        return permissions.unit_chain(self.sitting.epci.unit_id)


class Upload(models.Model):
    """A resumable upload in progress: chunks are stored as parts until complete."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="uploads")
    kind = models.CharField(max_length=12, choices=Document.Kind.choices)
    title = models.CharField(max_length=200)
    file_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    parts = models.JSONField(default=list)  # storage names in order
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document = models.OneToOneField(Document, null=True, blank=True, on_delete=models.SET_NULL)

    civitas_scope_fields = {"unit": "sitting__epci__unit"}

    def __str__(self):
        return self.file_name

    def civitas_scope_chain(self):
        return permissions.unit_chain(self.sitting.epci.unit_id)
