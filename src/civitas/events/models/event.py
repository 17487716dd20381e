"""The event aggregate: the event itself, its sites, rooms, days, sessions and slots."""

from __future__ import annotations

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core.permissions import ORGANISATION

SCOPE_EVENT = "event"
# A role on one co-organiser of an event (models/coorganisers.py) covers the companies it
# follows and what hangs from them; a role on the event covers its co-organisers.
SCOPE_COORGANISER = "coorganiser"

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1a2b3c."))


def _upload_to(instance, filename):
    return f"events/{instance.slug or 'new'}/{filename}"


class Event(models.Model):
    class BookingMode(models.TextChoices):
        # 003 §4.2.2: book a slot or send requests stating availability, "selon le choix du
        # participant". BOTH is the default; the organiser can restrict an event to one way.
        BOTH = "both", _("Both, at the participant’s choice: book a free slot or send a request")
        REQUESTS = "requests", _("Requests with mutual acceptance, then automatic scheduling")
        SLOTS = "slots", _("Direct booking of a slot")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # Visual frame
    banner = models.ImageField(_("banner"), upload_to=_upload_to, blank=True)
    logo = models.ImageField(_("logo"), upload_to=_upload_to, blank=True)
    logo_link = models.URLField(_("logo link"), blank=True)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#000091", validators=[colour_validator]
    )
    secondary_colour = models.CharField(
        _("secondary colour"), max_length=7, default="#e1000f", validators=[colour_validator]
    )
    # Meetings
    booking_mode = models.CharField(
        _("booking mode"), max_length=20, choices=BookingMode.choices, default=BookingMode.BOTH
    )
    request_expiry_days = models.PositiveIntegerField(
        _("request expiry delay (days)"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_("A request nobody answered expires after this many days."),
    )
    allow_messages_before_acceptance = models.BooleanField(
        _("allow messages before acceptance"), default=False
    )
    # Public pages (simple fields for now; Wagtail event sub-sites come later)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    welcome_text = models.TextField(_("welcome text"), blank=True)
    practical_info = models.TextField(_("practical information"), blank=True)
    contact_text = models.TextField(_("contact"), blank=True)
    legal_notice = models.TextField(_("legal notice"), blank=True)
    organiser_email = models.EmailField(_("organiser e-mail"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    # Catalogue: which company fields are public (see PUBLIC_FIELD_CHOICES)
    public_fields = models.JSONField(_("public fields in the catalogue"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by every change of the event's mini-site pages: part of the cache key of the
    # menu shown on every public page (services.minisite.menu_items).
    menu_version = models.PositiveIntegerField(default=0, editable=False)
    # Linked operations (seed 003 §9): an operation at another place points to its parent
    # event; the mini-site and the dashboard show the whole family.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent event (linked operation of)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="operations",
    )
    # Registrations forecast: the dashboard shows the fill rate against it, and the organisers
    # are mailed once when registrations are below it at the alert date.
    forecast_registrations = models.PositiveIntegerField(
        _("forecast of registered companies"), null=True, blank=True
    )
    forecast_date = models.DateField(_("forecast alert date"), null=True, blank=True)
    forecast_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The public mini-site lives for the preparation and the event only (seed 003 §3): from
    # this date its public pages answer with a short "closed" notice; the data stays.
    minisite_closes_on = models.DateField(
        _("public pages offline from"),
        null=True,
        blank=True,
        help_text=_("Empty: the public pages stay online."),
    )

    PUBLIC_FIELD_CHOICES = [
        ("description", _("Description")),
        ("website", _("Website")),
        ("city", _("City")),
        ("sector", _("Sector")),
        ("offers", _("Offers and requests")),
    ]
    DEFAULT_PUBLIC_FIELDS = ["description", "website", "city", "sector", "offers"]

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start_date", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # menu_version only grows, through its own UPDATE (services.minisite.menu_changed):
        # saving an event loaded before a page changed must not bring the old value back.
        loaded = self.pk is not None and not self._state.adding and not kwargs.get("force_insert")
        if loaded and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "menu_version"
            ]
        super().save(*args, **kwargs)

    # civitas.core.permissions.restrict(): an event is its own scope
    civitas_scope_fields = {SCOPE_EVENT: "pk"}

    def civitas_scope_chain(self):
        return [(SCOPE_EVENT, self.pk), (ORGANISATION, 1)]

    def registration_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.registration_opens and now < self.registration_opens:
            return False
        return not (self.registration_closes and now > self.registration_closes)

    @property
    def books_slots(self) -> bool:
        """Participants may book a slot directly (with its waiting list)."""
        return self.booking_mode != self.BookingMode.REQUESTS

    @property
    def takes_requests(self) -> bool:
        """Participants may send requests without a slot, placed by the scheduling."""
        return self.booking_mode != self.BookingMode.SLOTS

    def minisite_offline(self, today=None) -> bool:
        """Whether the public pages have gone offline (from `minisite_closes_on` on)."""
        from django.utils import timezone

        if self.minisite_closes_on is None:
            return False
        return (today or timezone.localdate()) >= self.minisite_closes_on

    def shows(self, field: str) -> bool:
        return field in (self.public_fields or [])


class EventChild(models.Model):
    """Anything that belongs to an event is scoped by it."""

    # The lookup from a row to its event, for permissions.restrict(); a model reaching its
    # event another way overrides it next to get_event().
    civitas_scope_fields = {SCOPE_EVENT: "event"}

    class Meta:
        abstract = True

    def civitas_scope_chain(self):
        return self.get_event().civitas_scope_chain()

    def get_event(self):
        return self.event


class Site(EventChild):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Room(EventChild):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=200)
    tables = models.PositiveIntegerField(_("number of tables"), validators=[MinValueValidator(1)])
    capacity = models.PositiveIntegerField(
        _("capacity (seats)"),
        null=True,
        blank=True,
        help_text=_("Default capacity of the animations held in this room."),
    )

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["site__name", "name"]

    def __str__(self):
        return f"{self.site.name} – {self.name}"

    civitas_scope_fields = {SCOPE_EVENT: "site__event"}

    def get_event(self):
        return self.site.event


class Day(EventChild):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("day")
        verbose_name_plural = _("days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["event", "date"], name="events_day_unique")]

    def __str__(self):
        return str(self.date)


class Session(EventChild):
    """A B2B session: e.g. day 1 morning; its slots are generated from the slot length."""

    day = models.ForeignKey(Day, on_delete=models.CASCADE, related_name="sessions")
    name = models.CharField(_("name"), max_length=100)
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))
    slot_minutes = models.PositiveIntegerField(
        _("slot length (minutes)"), default=20, validators=[MinValueValidator(5)]
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["day__date", "start_time"]

    def __str__(self):
        return f"{self.day.date:%d/%m/%Y} {self.name}"

    civitas_scope_fields = {SCOPE_EVENT: "day__event"}

    def get_event(self):
        return self.day.event


class Slot(EventChild):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["session", "start"], name="events_slot_unique")
        ]

    def __str__(self):
        local = timezone.localtime(self.start)
        # Day first, as French readers (and the manual-change messages) write it.
        return f"{local:%d/%m/%Y %H:%M}–{timezone.localtime(self.end):%H:%M}"

    civitas_scope_fields = {SCOPE_EVENT: "session__day__event"}

    def get_event(self):
        return self.session.day.event
