"""SLA configuration: calendars, tables and their per-level targets (presets shipped by
data migration; administrators add their own)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SupportCalendar(models.Model):
    """The stored configuration of a core BusinessCalendar (built when needed)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    region = models.CharField(
        _("holiday region"),
        max_length=5,
        default="FR",
        help_text=_("FR, a département (57, 67, 68: Alsace-Moselle) or overseas (971-978)."),
    )
    # {"0": [["09:00", "12:00"], ["14:00", "18:00"]], ...}: weekday (Monday = 0) -> segments
    hours = models.JSONField(_("opening hours"), default=dict)
    # [["2027-08-09", "2027-08-13"], ...] inclusive
    closures = models.JSONField(_("closures"), default=list, blank=True)
    worked_holidays = models.JSONField(_("worked holidays"), default=list, blank=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SlaTable(models.Model):
    """A set of targets per level and clock, from a contract (or a phase of one)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=200, blank=True)
    phase = models.CharField(_("phase"), max_length=100, blank=True)
    # A minor anomaly (level 3) counts as major (level 1) after that many business days
    # (003 §13.6.1); 0: never.
    minor_to_major_days = models.PositiveSmallIntegerField(
        _("minor becomes major after (business days)"), default=0
    )
    alerts_any_time = models.BooleanField(
        _("alerts outside business hours for level 0"), default=False
    )

    class Meta:
        verbose_name = _("SLA table")
        verbose_name_plural = _("SLA tables")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.phase})" if self.phase else self.name


class Level(models.IntegerChoices):
    BLOCKING = 0, _("Level 0: blocking")
    MAJOR = 1, _("Level 1: major")
    SERIOUS = 2, _("Level 2: serious")
    MINOR = 3, _("Level 3: minor")


class Clock(models.TextChoices):
    TAKE_CHARGE = "take_charge", _("Take charge")
    WORKAROUND = "workaround", _("Workaround")
    FIX = "fix", _("Fix")


class SlaTarget(models.Model):
    class Unit(models.TextChoices):
        HOURS = "hours", _("business hours")
        DAYS = "days", _("business days")

    table = models.ForeignKey(SlaTable, on_delete=models.CASCADE, related_name="targets")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    clock = models.CharField(_("clock"), max_length=20, choices=Clock.choices)
    amount = models.DecimalField(_("amount"), max_digits=6, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=5, choices=Unit.choices, default=Unit.HOURS)

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["table", "level", "clock"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "level", "clock"], name="support_target_unique"
            )
        ]

    def __str__(self):
        return f"{self.table} L{self.level} {self.clock}: {self.amount} {self.unit}"
