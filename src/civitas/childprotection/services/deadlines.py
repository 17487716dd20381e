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


def received_on(file) -> date:
    return timezone.localtime(file.received_at).date()


def child_evaluation_due(child, received: date, serious: bool = False) -> date:
    """The evaluation deadline of one child: their age at receipt, their own types of danger
    and the file's serious-danger flag."""
    return evaluation_due(
        received,
        [child.birth_date],
        [d.evaluation_days for d in child.danger_types.all()],
        serious=serious,
    )


def is_concluded(child) -> bool:
    """A child whose conclusion is recorded no longer has a running deadline."""
    return child.conclusion_id is not None


def file_evaluation_due(file, children) -> date | None:
    """The file's running deadline: the earliest deadline of its children still without a
    conclusion (their stored `evaluation_due`), None when every child is concluded. A file
    without any child yet keeps the general rule, so a new report is never without one."""
    if not children:
        return evaluation_due(received_on(file), serious=file.serious_danger)
    running = [c.evaluation_due for c in children if not is_concluded(c) and c.evaluation_due]
    return min(running, default=None)


def reporter_request_due(received: date) -> date:
    return add_months(received, config()["reporter_request_months"])


def child_state(child, today: date | None = None) -> str:
    """The state of one child's deadline: "running" (or "soon" within the warning days),
    "lapsed" (no conclusion and past the deadline), "met" (concluded on or before it),
    "late" (concluded after it), "concluded" (concluded, no date recorded), "" without a
    deadline."""
    due = child.evaluation_due
    if due is None:
        return ""
    if is_concluded(child):
        if child.conclusion_on is None:
            return "concluded"
        return "met" if child.conclusion_on <= due else "late"
    return {"overdue": "lapsed", "soon": "soon", "ok": "running"}[state(due, today)]


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


def running_children():
    """Children whose deadline is running: no conclusion, in a file alive and not closed."""
    from ..models import Child, File

    return Child.objects.filter(
        conclusion__isnull=True,
        evaluation_due__isnull=False,
        file__deleted_at__isnull=True,
    ).exclude(file__status=File.Status.CLOSED)


def alert_assigned(today: date | None = None) -> int:
    """Alert the people of the services assigned to files (assignment not done) when a
    child's running deadline comes within the warning days ("soon") and when it lapses
    ("overdue"): once per child and threshold (a `DeadlineAlert` row, unique per child,
    threshold and deadline: a deadline moved by new facts is alerted again). One mail per
    person and run, with the number of children's deadlines and a link: no child data.
    Returns the number of mails queued."""
    from collections import Counter

    from django.db import IntegrityError, transaction

    from civitas.core import accounts
    from civitas.core.outbox import services as outbox
    from civitas.core.sites import absolute_url

    from ..models import Assignment, DeadlineAlert

    today = today or timezone.localdate()
    limit = today + timedelta(days=config()["warn_days"])
    due = running_children().filter(evaluation_due__lte=limit)
    children = list(due.only("pk", "file_id", "evaluation_due").order_by("evaluation_due", "pk"))
    if not children:
        return 0
    units_of = {}  # file -> {unit pk: unit} of the services still working on it
    for a in Assignment.objects.filter(
        done_on__isnull=True,
        service__unit__isnull=False,
        file__in=due.values("file_id"),
    ).select_related("service__unit"):
        units_of.setdefault(a.file_id, {})[a.service.unit_id] = a.service.unit
    sent = set(
        DeadlineAlert.objects.filter(child__in=due.values("pk")).values_list(
            "child_id", "threshold", "due_on"
        )
    )
    holders = {}
    per_user: Counter = Counter()
    users = {}
    with transaction.atomic():
        for child in children:
            threshold = (
                DeadlineAlert.Threshold.OVERDUE
                if child.evaluation_due < today
                else DeadlineAlert.Threshold.SOON
            )
            if (child.pk, threshold, child.evaluation_due) in sent:
                continue
            recipients = {}
            for unit_id, unit in sorted(units_of.get(child.file_id, {}).items()):
                if unit_id not in holders:
                    holders[unit_id] = list(accounts.holders("childprotection.view_files", unit))
                for user in holders[unit_id]:
                    recipients[user.pk] = user
            if not recipients:
                continue  # nobody to tell yet: alerted once a service is assigned
            try:
                with transaction.atomic():
                    DeadlineAlert.objects.create(
                        child_id=child.pk, threshold=threshold, due_on=child.evaluation_due
                    )
            except IntegrityError:
                continue  # alerted meanwhile by a concurrent run
            for pk, user in recipients.items():
                per_user[pk] += 1
                users[pk] = user
        link = absolute_url("childprotection:deadlines")
        for pk, count in per_user.items():
            outbox.send_message(
                "childprotection.deadlines",
                email=users[pk],
                context={"count": count, "link": link},
            )
    return len(per_user)
