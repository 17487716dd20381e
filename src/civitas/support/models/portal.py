"""The portal around the tickets (004 §5): news, FAQ, release notes, time book, requests
for portal users."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class News(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        INCIDENT = "incident", _("Incident in progress")
        MAINTENANCE = "maintenance", _("Planned intervention")
        UPDATE = "update", _("Announced update")

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NEWS)
    pinned = models.BooleanField(_("pinned"), default=False)
    published_at = models.DateTimeField(_("published at"))
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-pinned", "-published_at"]

    def __str__(self):
        return self.title


class FaqArticle(models.Model):
    product = models.ForeignKey(
        "support.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="faq"
    )
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("FAQ article")
        verbose_name_plural = _("FAQ articles")
        ordering = ["-published_at"]

    def __str__(self):
        return self.question


class TimeBook(models.Model):
    """A carnet de temps: hours bought, time spent per ticket deducted; optionally a
    monthly cap on phone assistance with unused time carried over (002 art. 10)."""

    structure = models.OneToOneField(
        "support.Structure", on_delete=models.CASCADE, related_name="time_book"
    )
    hours_bought = models.DecimalField(_("hours bought"), max_digits=7, decimal_places=2)
    starts_on = models.DateField(_("starts on"))
    phone_minutes_per_month = models.PositiveIntegerField(
        _("phone assistance per month (minutes)"), default=0, help_text=_("0: no cap")
    )

    civitas_scope_fields = {"unit": "structure__unit"}

    class Meta:
        verbose_name = _("time book")
        verbose_name_plural = _("time books")

    def __str__(self):
        return f"{self.structure} ({self.hours_bought} h)"

    def civitas_scope_chain(self):
        return self.structure.civitas_scope_chain()


class TimeEntry(models.Model):
    class Kind(models.TextChoices):
        TICKET = "ticket", _("Ticket work")
        PHONE = "phone", _("Phone assistance")

    book = models.ForeignKey(TimeBook, on_delete=models.CASCADE, related_name="entries")
    ticket = models.ForeignKey(
        "support.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="time"
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.TICKET)
    on = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = _("time spent")
        verbose_name_plural = _("time spent")
        ordering = ["on", "id"]

    def __str__(self):
        return f"{self.on} {self.minutes} min"


class UserRequest(models.Model):
    """A référent's request to add, suspend or delete a portal user (004 §5)."""

    class Action(models.TextChoices):
        ADD = "add", _("Add a user")
        SUSPEND = "suspend", _("Suspend a user")
        DELETE = "delete", _("Delete a user")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    structure = models.ForeignKey(
        "support.Structure", on_delete=models.CASCADE, related_name="user_requests"
    )
    action = models.CharField(_("request"), max_length=8, choices=Action.choices)
    email = models.EmailField(_("e-mail"))
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested at"))

    civitas_scope_fields = {"unit": "structure__unit"}

    class Meta:
        verbose_name = _("portal user request")
        verbose_name_plural = _("portal user requests")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_action_display()} {self.email}"
