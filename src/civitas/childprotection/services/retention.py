"""Retention: files past their retention duration are removed, and each removal journaled
(number and rule, no child data). Durations are configuration
(`CIVITAS_CHILDPROTECTION_RETENTION`), to set with the DPO:

- ``no_action_years`` (2): closed files whose children all ended with "no further action"
  (conclusion code SSUITE), counted from the closing date;
- ``until_age`` (21): other closed files, until the youngest child reaches this age;
- ``deleted_years`` (2): files deleted with a reason, counted from the deletion.
"""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from civitas.core import journal

from ..models import Child, File

DEFAULTS = {"no_action_years": 2, "until_age": 21, "deleted_years": 2}
NO_ACTION = "SSUITE"


def config() -> dict:
    return {**DEFAULTS, **getattr(settings, "CIVITAS_CHILDPROTECTION_RETENTION", {})}


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def due(today: date | None = None) -> list[tuple[File, str]]:
    """(file, rule) of the files past their retention."""
    cfg = config()
    today = today or timezone.localdate()
    found = []
    deleted = File.objects.filter(deleted_at__date__lt=_years_before(today, cfg["deleted_years"]))
    found += [(f, "deleted") for f in deleted]
    closed = File.objects.filter(deleted_at__isnull=True, status=File.Status.CLOSED)
    not_no_action = Child.objects.filter(
        ~Q(conclusion__code=NO_ACTION) | Q(conclusion__isnull=True)
    )
    no_action = (
        closed.filter(
            closed_on__lt=_years_before(today, cfg["no_action_years"]), children__isnull=False
        )
        .exclude(pk__in=not_no_action.values("file_id"))
        .distinct()
    )
    found += [(f, "no_action") for f in no_action]
    seen = {f.pk for f, _r in found}
    youngest_born = _years_before(today, cfg["until_age"])
    aged = (
        closed.exclude(pk__in=seen)
        .annotate(youngest=Max("children__birth_date"))
        .filter(youngest__lt=youngest_born)
    )
    found += [(f, "age") for f in aged]
    return found


def purge(today: date | None = None) -> int:
    count = 0
    for file, rule in due(today):
        with transaction.atomic():
            number, pk = file.number, file.pk
            children = file.children.count()
            file.delete()
            journal.record(
                "childprotection.purged",
                object_type="childprotection.file",
                object_id=str(pk),
                object_repr=number,
                details={"rule": rule, "children": children},
            )
        count += 1
    return count
