"""Animations of an event: workshops, conferences, trainings and round tables, with their
speakers and the registrations of representatives (quota, waiting list, offers)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .event import Event, EventChild, Room, Site
from .registration import Representative


class Animation(EventChild):
    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        CONFERENCE = "conference", _("Conference")
        TRAINING = "training", _("Training")
        ROUND_TABLE = "round_table", _("Round table")

    class AddressKind(models.TextChoices):
        CCI = "cci", _("CCI site")
        PARTNER = "partner", _("Partner")
        PROVIDER = "provider", _("Provider")

    class FullPolicy(models.TextChoices):
        CLOSE = "close", _("Close registrations")
        WAITLIST = "waitlist", _("Open a waiting list")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="animations")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.WORKSHOP)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL
    )
    address_kind = models.CharField(
        _("address"), max_length=20, choices=AddressKind.choices, default=AddressKind.CCI
    )
    address = models.TextField(_("address details"), blank=True)
    room = models.ForeignKey(
        Room, verbose_name=_("room"), null=True, blank=True, on_delete=models.SET_NULL
    )
    room_name = models.CharField(_("room name"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: the room's capacity."),
    )
    quota_enforced = models.BooleanField(
        _("quota enforced"),
        default=True,
        help_text=_("Unticked: people are admitted beyond the capacity."),
    )
    full_policy = models.CharField(
        _("when full"), max_length=20, choices=FullPolicy.choices, default=FullPolicy.WAITLIST
    )
    offer_hours = models.PositiveIntegerField(
        _("hours to confirm a freed place"),
        default=24,
        validators=[MinValueValidator(1)],
    )
    person_in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person in charge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    public = models.BooleanField(
        _("public"), default=True, help_text=_("Unticked: on invitation only.")
    )
    price = models.DecimalField(
        _("price excluding VAT"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: free."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # Closed because full (close policy): a freed seat reopens it by itself.
    closed_automatically = models.BooleanField(default=False, editable=False)
    # Fill-rate forecast: the organiser is told when the fill rate is below it at that date.
    forecast_rate = models.PositiveIntegerField(_("forecast fill rate (%)"), null=True, blank=True)
    forecast_date = models.DateField(_("alert date"), null=True, blank=True)
    forecast_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    invited = models.ManyToManyField(
        Representative, verbose_name=_("invited people"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("animation")
        verbose_name_plural = _("animations")
        ordering = ["start", "pk"]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        if (get_language() or "fr").startswith("en") and self.title_en:
            return self.title_en
        return self.title_fr

    @property
    def seats(self) -> int | None:
        """The capacity in force: its own, else the room's (None: no limit known)."""
        if self.capacity:
            return self.capacity
        if self.room_id and self.room.capacity:
            return self.room.capacity
        return None

    @property
    def is_free(self) -> bool:
        return not self.price


class Speaker(EventChild):
    animation = models.ForeignKey(Animation, on_delete=models.CASCADE, related_name="speakers")
    company = models.CharField(_("company"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=200)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    photo = models.ImageField(_("photo"), upload_to="events/speakers/", blank=True)
    theme = models.CharField(_("theme"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    civitas_scope_fields = {"event": "animation__event"}

    def get_event(self):
        return self.animation.event


class AnimationRegistration(EventChild):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        OFFERED = "offered", _("Place offered, to confirm")
        CANCELLED = "cancelled", _("Cancelled")
        TRANSFERRED = "transferred", _("Transferred")

    # Statuses that hold a seat.
    SEATED = (Status.REGISTERED, Status.OFFERED)
    ACTIVE = (Status.REGISTERED, Status.OFFERED, Status.WAITING)

    animation = models.ForeignKey(Animation, on_delete=models.CASCADE, related_name="registrations")
    representative = models.ForeignKey(
        Representative, on_delete=models.CASCADE, related_name="animation_registrations"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    confirm_by = models.DateTimeField(_("confirm by"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    transferred_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("animation registration")
        verbose_name_plural = _("animation registrations")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["animation", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["animation", "representative"],
                condition=models.Q(status__in=["registered", "waiting", "offered"]),
                name="events_animreg_one_active",
            )
        ]

    def __str__(self):
        return f"{self.representative} @ {self.animation}"

    civitas_scope_fields = {"event": "animation__event"}

    def get_event(self):
        return self.animation.event
