import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _upload_to(instance, filename):
    return f"documents/templates/{uuid.uuid4().hex}.docx"


class DocumentTemplate(models.Model):
    """A Word (.docx) mail-merge template uploaded by staff for one kind of record."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of record"), max_length=60, db_index=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="fr"
    )
    file = models.FileField(_("Word file (.docx)"), upload_to=_upload_to, max_length=300)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    fields_used = models.JSONField(_("merge fields used"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def merge_kind(self):
        from .merge import get_kind

        return get_kind(self.kind)

    def read(self) -> bytes:
        with self.file.open("rb") as fh:
            return fh.read()
