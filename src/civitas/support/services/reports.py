"""Reports (003 §13.6.5, 004 §4): the quarter's tickets, SLA compliance per level and
clock, volumes per service and product. Every figure comes from the state history."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from ..models import Clock, Level, Service, Ticket
from . import sla

PARIS = ZoneInfo("Europe/Paris")


def quarter_bounds(year: int, quarter: int) -> tuple[datetime, datetime]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1 to 4")
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return (
        datetime.combine(first, datetime.min.time(), PARIS),
        datetime.combine(last, datetime.min.time(), PARIS),
    )


def current_quarter(now=None) -> tuple[int, int]:
    local = (now or timezone.now()).astimezone(PARIS)
    return local.year, (local.month - 1) // 3 + 1


def quarter_tickets(queryset, year: int, quarter: int):
    start, end = quarter_bounds(year, quarter)
    return (
        queryset.filter(opened_at__gte=start, opened_at__lt=end)
        .select_related("state", "requester", "structure", "product", "calendar", "sla_table")
        .order_by("opened_at", "id")
    )


def compliance(tickets, now=None) -> list[dict]:
    """Per level and clock: met on time, met late, lapsed, running, and the on-time rate of
    the clocks that are settled (met, or lapsed while still running)."""
    now = now or timezone.now()
    counts: dict[tuple[int, str], Counter] = defaultdict(Counter)
    calendars = {}
    for ticket in tickets:
        cal = calendars.get(ticket.calendar_id)
        if cal is None:
            cal = calendars[ticket.calendar_id] = sla.build_calendar(ticket.calendar)
        for status in sla.ticket_clocks(ticket, now, cal):
            key = (ticket.level, status.clock)
            if status.met_at is not None:
                counts[key]["late" if status.late else "on_time"] += 1
            elif status.late:
                counts[key]["lapsed"] += 1
            else:
                counts[key]["running"] += 1
    rows = []
    labels = dict(Clock.choices)
    for level, level_label in Level.choices:
        for clock in Clock.values:
            c = counts.get((level, clock))
            if not c:
                continue
            settled = c["on_time"] + c["late"] + c["lapsed"]
            rows.append(
                {
                    "level": level_label,
                    "clock": labels[clock],
                    "on_time": c["on_time"],
                    "late": c["late"],
                    "lapsed": c["lapsed"],
                    "running": c["running"],
                    "rate": round(100 * c["on_time"] / settled, 1) if settled else None,
                }
            )
    return rows


def volumes(tickets) -> dict[str, list[tuple[str, int]]]:
    services = dict(Service.choices)
    by_service = Counter(services.get(t.service, t.service) for t in tickets)
    by_product = Counter(str(t.product) for t in tickets)
    return {
        "service": sorted(by_service.items(), key=lambda kv: (-kv[1], str(kv[0]))),
        "product": sorted(by_product.items(), key=lambda kv: (-kv[1], kv[0])),
    }


def visible(user):
    from civitas.core import permissions

    return permissions.restrict(Ticket.objects.all(), user, "support.view_reports")


def quarter_report(queryset, year: int, quarter: int, now=None) -> dict:
    """Every figure of the quarter's activity and SLA report, for the screen and the PDF."""
    from . import satisfaction

    listed = list(quarter_tickets(queryset, year, quarter))
    rows = compliance(listed, now)
    counts = volumes(listed)
    top = max((n for _k, n in counts["service"]), default=0)
    return {
        "year": year,
        "quarter": quarter,
        "tickets": listed,
        "compliance": rows,
        "volumes": counts,
        # bar widths of the PDF's chart (percent of the largest service)
        "service_bars": [(k, n, round(100 * n / top) if top else 0) for k, n in counts["service"]],
        "satisfaction": satisfaction.results(listed),
        "open_count": sum(1 for t in listed if not t.state.closed),
    }


def quarter_report_pdf(queryset, year: int, quarter: int, now=None) -> bytes:
    """The quarter's report as a PDF (WeasyPrint, core's A4 base)."""
    from django.utils.translation import gettext as _

    from civitas.core.documents import pdf

    context = quarter_report(queryset, year, quarter, now)
    context["title"] = _("Support activity and SLA report, quarter %(q)s of %(y)s") % {
        "q": quarter,
        "y": year,
    }
    context["generated_at"] = timezone.localtime(now or timezone.now())
    return pdf.render_pdf("support/pdf/quarter_report.html", context)
