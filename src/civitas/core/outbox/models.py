"""Outbox: every e-mail and SMS is a row; templates edited by administrators; opt-outs;
mailings."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent (opted out)")

    CLAIMABLE = (State.QUEUED, State.RETRYING)

    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    to = models.CharField(_("recipient"), max_length=254, db_index=True)
    cc = models.TextField(_("copy to"), blank=True, help_text=_("Comma-separated addresses."))
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    template_code = models.CharField(_("template"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=5, default="fr")
    category = models.CharField(_("category"), max_length=60, blank=True)
    essential = models.BooleanField(
        _("essential"),
        default=True,
        help_text=_("Essential messages are sent even to recipients who opted out."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim_token = models.CharField(_("claim token"), max_length=32, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_id = models.CharField(_("provider reference"), max_length=200, blank=True)
    related_type = models.CharField(_("related object type"), max_length=100, blank=True)
    related_id = models.CharField(_("related object id"), max_length=64, blank=True)
    mailing = models.ForeignKey(
        "Mailing",
        verbose_name=_("mailing"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    resend_of = models.ForeignKey(
        "self",
        verbose_name=_("resend of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resends",
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.to}: {self.subject or self.body_text[:40]}"

    @property
    def cc_list(self) -> list[str]:
        return [a.strip() for a in self.cc.split(",") if a.strip()]


class MessageTemplate(models.Model):
    """An administrator's version of a registered template, for one scope and language."""

    code = models.CharField(_("template"), max_length=100)
    scope_type = models.CharField(_("scope type"), max_length=40, default="organisation")
    scope_id = models.BigIntegerField(_("scope"), default=1)
    language = models.CharField(
        _("language"), max_length=5, choices=[("fr", "Français"), ("en", "English")]
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Message.Channel.choices, default="email"
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "scope_type", "scope_id", "language", "channel"],
                name="outbox_unique_template",
            )
        ]

    def __str__(self):
        return f"{self.code} ({self.language}, {self.channel})"


class OptOut(models.Model):
    """A recipient refuses non-essential messages of one category ("*" = all of them)."""

    ALL = "*"

    address = models.CharField(_("address or phone"), max_length=254)
    category = models.CharField(_("category"), max_length=60)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [
            models.UniqueConstraint(fields=["address", "category"], name="outbox_unique_optout")
        ]

    def __str__(self):
        return f"{self.address} / {self.category}"


class Mailing(models.Model):
    """A bulk, personalised e-mail to the recipients of a registered source."""

    class State(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    source = models.CharField(_("recipients"), max_length=100)
    source_params = models.JSONField(_("recipient filter"), default=dict, blank=True)
    category = models.CharField(_("category"), max_length=60, default="news")
    essential = models.BooleanField(_("essential"), default=False)
    language = models.CharField(_("language"), max_length=5, default="fr")
    rate_per_minute = models.PositiveIntegerField(_("messages per minute"), default=120)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PREPARING
    )
    total = models.PositiveIntegerField(_("recipients"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.subject


class Attachment(models.Model):
    """A file sent with an e-mail (a PDF convocation, a scheduled export...).

    The bytes live in the database with their message: they are written in the same
    transaction (a rolled-back registration leaves no orphan file), any web or worker
    process can send them without shared storage, and they go when the message goes
    (retention purge, erasure).
    """

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(
        _("content type"), max_length=100, default="application/octet-stream"
    )
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["message_id", "pk"]

    def __str__(self):
        return self.filename
