"""Legal delays of a sitting, in full days (jours francs), and the one-month deadline of
decisions and minutes. Thresholds are configuration (civitas.councils.conf)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Sum
from django.utils import timezone

from civitas.core.calendar import full_days_between

from .. import conf
from ..models import Commune, Sending

TZ = "Europe/Paris"


def required_days(population: int, urgency: bool = False) -> int:
    """Full days required between sending and sitting for a body of this population
    (3 under 1,000 inhabitants, 5 from 1,000: L2121-11/12; urgency: 1 full day)."""
    if urgency:
        return conf.urgency_delay()
    for threshold, days in conf.delay_rules():
        if population >= threshold:
            return days
    return conf.delay_rules()[-1][1]


def epci_population(epci) -> int:
    return Commune.objects.filter(epci=epci).aggregate(n=Sum("population"))["n"] or 0


@dataclass
class DelayCheck:
    full_days: int
    required: int

    @property
    def late(self) -> bool:
        return self.full_days < self.required


def check(sitting, at: datetime | None = None) -> DelayCheck:
    """Is sending now (or at `at`) in time for the sitting? One rule for every screen."""
    at = at or timezone.now()
    days = full_days_between(at, sitting.date, tz=TZ)
    return DelayCheck(days, required_days(epci_population(sitting.epci), sitting.urgency))


def decisions_deadline(sitting) -> datetime:
    return sitting.date + timedelta(days=conf.decisions_days())


def decisions_overdue(sitting, now=None) -> bool:
    """Decisions and minutes not sent and the one-month deadline passed or within a week."""
    now = now or timezone.now()
    if sitting.date > now:
        return False
    if Sending.objects.filter(sitting=sitting, phase=Sending.Phase.AFTER).exists():
        return False
    return now >= decisions_deadline(sitting) - timedelta(days=7)
