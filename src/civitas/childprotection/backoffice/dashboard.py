"""Dashboards: Chart.js charts, each with its data as a table."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core.params import int_param
from civitas.core.permissions import permission_required

from ..services import statistics

TITLES = {
    "month": _("Reports per month"),
    "territory": _("Reports per territory"),
    "channel": _("Reports per channel"),
    "danger": _("Children per type of danger"),
    "age": _("Children per age group"),
    "conclusion": _("Children per conclusion"),
    "deadlines": _("Children's evaluation deadlines"),
    "service": _("Files per service"),
}
DEADLINE_LABELS = {
    "met": _("met"),
    "late": _("concluded late"),
    "overdue": _("lapsed, not concluded"),
}


@permission_required("childprotection.statistics")
def dashboard(request):
    this_year = timezone.localdate().year
    year = int_param(request.GET.get("year"), min_value=2000, max_value=2100) or this_year
    blocks = statistics.dashboard(request.user, year)
    for block in blocks:
        block["title"] = TITLES[block["code"]]
        if block["code"] == "deadlines":
            block["rows"] = [(str(DEADLINE_LABELS[k]), n) for k, n in block["rows"]]
        block["labels"] = [label for label, _n in block["rows"]]
        block["values"] = [n for _label, n in block["rows"]]
        block["json_id"] = f"data-{block['code']}"
        block["chart"] = {
            "type": "line" if block["code"] == "month" else "bar",
            "title": str(block["title"]),
            "labels": block["labels"],
            "values": block["values"],
        }
    return render(
        request,
        "childprotection/backoffice/dashboard.html",
        {
            "blocks": blocks,
            "year": year,
            "years": list(range(this_year, this_year - 11, -1)),
        },
    )
