"""The registration aggregate: a company, its representatives and its offers/requests."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .event import SCOPE_COORGANISER, SCOPE_EVENT, Event, EventChild, Session
from .lists import CooperationType, KeyFigure, Keyword, Sector
from .moderation import Moderated
from .tracking import Tracked


class Company(Tracked, EventChild):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        VALIDATED = "validated", _("Validated")
        REJECTED = "rejected", _("Rejected")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="companies")
    name = models.CharField(_("company name"), max_length=200)
    country = CountryField(_("country"), default="FR")
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    address = models.TextField(_("address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.SET_NULL
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    # Lower-case, accent-free text of the profile and its offers, for the catalogue search.
    search_text = models.TextField(editable=False, blank=True)
    # Answers to the event's extra registration fields: {key: value} (models/regform.py).
    extra = models.JSONField(_("extra fields"), default=dict, blank=True)
    # The co-organiser following the company (models/coorganisers.py): set by the rules at
    # registration or by hand; a hand choice (also "none") is never overridden by the rules.
    co_organiser = models.ForeignKey(
        "events.CoOrganiser",
        verbose_name=_("co-organiser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="companies",
    )
    co_organiser_by_hand = models.BooleanField(
        _("co-organiser chosen by hand"), default=False, editable=False
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self):
        return self.name

    # The event's roles and the roles on the company's co-organiser cover it.
    civitas_scope_fields = {SCOPE_EVENT: "event", SCOPE_COORGANISER: "co_organiser"}

    def civitas_scope_chain(self):
        return company_chain(self.co_organiser_id, self.event)


def company_chain(co_organiser_id, event) -> list:
    """The scope chain of a company (and of what hangs from it): its co-organiser if it has
    one, then its event."""
    head = [(SCOPE_COORGANISER, co_organiser_id)] if co_organiser_id else []
    return [*head, *event.civitas_scope_chain()]


def _token():
    return secrets.token_urlsafe(24)


class Representative(Moderated, Tracked, EventChild):
    """A person present on the day; each has an agenda."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="representatives")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_representatives",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    absent_sessions = models.ManyToManyField(
        Session,
        verbose_name=_("sessions not attended"),
        blank=True,
        related_name="absent_representatives",
    )
    calendar_token = models.CharField(max_length=64, default=_token, unique=True, editable=False)
    # Printed in the QR code of the convocation (distinct from the calendar feed's secret).
    checkin_token = models.CharField(max_length=64, default=_token, unique=True, editable=False)
    extra = models.JSONField(_("extra fields"), default=dict, blank=True)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name} ({self.company.name})"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    civitas_scope_fields = {
        SCOPE_EVENT: "company__event",
        SCOPE_COORGANISER: "company__co_organiser",
    }

    def get_event(self):
        return self.company.event

    def civitas_scope_chain(self):
        return self.company.civitas_scope_chain()


def _attachment_to(instance, filename):
    return f"events/{instance.company.event_id}/offers/{filename}"


class Offer(Moderated, Tracked, EventChild):
    class Kind(models.TextChoices):
        OFFER = "offer", _("Offer")
        REQUEST = "request", _("Request")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="offers")
    kind = models.CharField(_("offer or request"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cooperation_type = models.ForeignKey(
        CooperationType,
        verbose_name=_("cooperation type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    keywords = models.ManyToManyField(Keyword, verbose_name=_("keywords"), blank=True)
    key_figures = models.ManyToManyField(KeyFigure, verbose_name=_("key figures"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=_attachment_to, blank=True)
    attachment_type = models.CharField(max_length=10, blank=True, editable=False)

    class Meta:
        verbose_name = _("offer or request")
        verbose_name_plural = _("offers and requests")
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title

    civitas_scope_fields = {
        SCOPE_EVENT: "company__event",
        SCOPE_COORGANISER: "company__co_organiser",
    }

    def get_event(self):
        return self.company.event

    def civitas_scope_chain(self):
        return self.company.civitas_scope_chain()
