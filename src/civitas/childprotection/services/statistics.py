"""Dashboard figures: reports per period, territory, channel, type of danger, age group,
conclusion; children's deadlines met, concluded late and lapsed; files per service. Each as
(label, count) rows."""

from django.db.models import Count, F
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from civitas.core import permissions

from ..models import Assignment, Child, File

AGE_GROUPS = [(0, 2, "0-2"), (3, 5, "3-5"), (6, 10, "6-10"), (11, 14, "11-14"), (15, 17, "15-17")]


def files_for(user, year):
    return permissions.restrict(File.objects.alive(), user, "childprotection.statistics").filter(
        received_at__year=year
    )


def _rows(qs, field):
    return [
        (str(label or "—"), n)
        for label, n in qs.values_list(field).annotate(n=Count("pk", distinct=True)).order_by("-n")
    ]


def dashboard(user, year: int) -> list[dict]:
    files = files_for(user, year)
    children = Child.objects.filter(file__in=files)
    months = dict(
        files.annotate(m=ExtractMonth("received_at")).values_list("m").annotate(n=Count("pk"))
    )
    ages = {label: 0 for _a, _b, label in AGE_GROUPS}
    for birth, received in children.exclude(birth_date=None).values_list(
        "birth_date", "file__received_at"
    ):
        received = timezone.localtime(received).date()
        age = (
            received.year - birth.year - ((received.month, received.day) < (birth.month, birth.day))
        )
        for low, high, label in AGE_GROUPS:
            if low <= age <= high:
                ages[label] += 1
    # per child: each child has their own deadline (a file groups siblings)
    concluded = children.filter(
        conclusion__isnull=False, conclusion_on__isnull=False, evaluation_due__isnull=False
    )
    today = timezone.localdate()
    deadlines = [
        ("met", concluded.filter(conclusion_on__lte=F("evaluation_due")).count()),
        ("late", concluded.filter(conclusion_on__gt=F("evaluation_due")).count()),
        (
            "overdue",
            children.filter(conclusion__isnull=True, evaluation_due__lt=today)
            .exclude(file__status=File.Status.CLOSED)
            .count(),
        ),
    ]
    return [
        {"code": "month", "rows": [(f"{m:02d}", months.get(m, 0)) for m in range(1, 13)]},
        {"code": "territory", "rows": _rows(files, "territory__name")},
        {"code": "channel", "rows": _rows(files, "channel__label")},
        {"code": "danger", "rows": _rows(children, "danger_types__label")},
        {"code": "age", "rows": list(ages.items())},
        {"code": "conclusion", "rows": _rows(children, "conclusion__label")},
        {"code": "deadlines", "rows": deadlines},
        {
            "code": "service",
            "rows": _rows(Assignment.objects.filter(file__in=files), "service__label"),
        },
    ]
