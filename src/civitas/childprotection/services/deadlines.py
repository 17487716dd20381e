"""Evaluation deadlines (CASF D226-2-4): three months after receipt by default, shorter for
children under two and for some types of danger (configuration), counted in business days
of the département's calendar when the configuration asks for it."""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from civitas.core.calendar import BusinessCalendar

DEFAULTS = {
    "months": 3,  # general rule
    "under_two_days": 45,  # children under two years old (calendar days)
    "serious_danger_days": 1,  # "danger grave et immédiat": business days to the referral
    "region": "FR",  # business calendar (département code for local holidays)
    "warn_days": 15,  # alert this many days before the deadline
    "reporter_request_months": 3,  # D226-2-8 answer
}


def config() -> dict:
    return {**DEFAULTS, **getattr(settings, "CIVITAS_CHILDPROTECTION_DEADLINES", {})}


def add_months(day: date, months: int) -> date:
    """Same day `months` later (the last day of the month when it does not exist)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def age_in_months(birth: date, on: date) -> int:
    months = (on.year - birth.year) * 12 + on.month - birth.month
    return months - (1 if on.day < birth.day else 0)


def calendar() -> BusinessCalendar:
    cfg = config()
    return BusinessCalendar(hours={d: [("09:00", "17:00")] for d in range(5)}, region=cfg["region"])


def next_business_day(day: date) -> date:
    cal = calendar()
    while not cal.is_business_day(day):
        day += timedelta(days=1)
    return day


def evaluation_due(received: date, birth_dates=(), danger_days=(), serious=False) -> date:
    """The evaluation deadline of a file: the shortest of the rules that apply, moved to the
    next business day when it falls on a closed day."""
    cfg = config()
    candidates = [add_months(received, cfg["months"])]
    if any(b and age_in_months(b, received) < 24 for b in birth_dates):
        candidates.append(received + timedelta(days=cfg["under_two_days"]))
    candidates += [received + timedelta(days=d) for d in danger_days if d]
    if serious:
        candidates.append(calendar().add_business_days(received, cfg["serious_danger_days"]))
    return next_business_day(min(candidates))


def file_evaluation_due(file) -> date:
    received = timezone.localtime(file.received_at).date()
    children = list(file.children.all()) if file.pk else []
    days = []
    for child in children:
        days += [d.evaluation_days for d in child.danger_types.all()]
    return evaluation_due(
        received,
        [c.birth_date for c in children],
        days,
        serious=file.serious_danger,
    )


def reporter_request_due(received: date) -> date:
    return add_months(received, config()["reporter_request_months"])


def state(due: date | None, today: date | None = None) -> str:
    """ "overdue", "soon" (within the warning days), "ok" or "" without a deadline."""
    if due is None:
        return ""
    today = today or timezone.localdate()
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=config()["warn_days"]):
        return "soon"
    return "ok"


def alert_assigned(today: date | None = None) -> int:
    """Mail the people of the services assigned to files whose evaluation is due soon or
    overdue: one mail per person with the number of files and a link, no child data.
    Returns the number of mails queued."""
    from collections import Counter

    from civitas.core import accounts
    from civitas.core.outbox import services as outbox
    from civitas.core.sites import absolute_url

    from ..models import Assignment, File

    today = today or timezone.localdate()
    limit = today + timedelta(days=config()["warn_days"])
    rows = (
        Assignment.objects.filter(
            done_on__isnull=True,
            service__unit__isnull=False,
            file__deleted_at__isnull=True,
            file__evaluation_due__lte=limit,
        )
        .exclude(file__status=File.Status.CLOSED)
        .select_related("service__unit")
    )
    per_user: Counter = Counter()
    users = {}
    seen = set()
    for a in rows:
        for user in accounts.holders("childprotection.view_files", a.service.unit):
            if (user.pk, a.file_id) in seen:
                continue
            seen.add((user.pk, a.file_id))
            per_user[user.pk] += 1
            users[user.pk] = user
    link = absolute_url("childprotection:deadlines")
    for pk, count in per_user.items():
        outbox.send_message(
            "childprotection.deadlines", email=users[pk], context={"count": count, "link": link}
        )
    return len(per_user)
