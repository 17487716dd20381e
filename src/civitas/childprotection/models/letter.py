"""A letter generated for a file: stored with it (encrypted at rest) and journaled."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civitas.core.fields import EncryptedTextField


class Letter(models.Model):
    file = models.ForeignKey(
        "childprotection.File", on_delete=models.CASCADE, related_name="letters"
    )
    code = models.CharField(_("letter"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    content = EncryptedTextField(_("content (base64)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.created_at:%d/%m/%Y %H:%M})"

    def get_absolute_url(self):
        return reverse(
            "childprotection:letter_download", kwargs={"pk": self.file_id, "letter_pk": self.pk}
        )
