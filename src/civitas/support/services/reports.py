"""Reports (003 §13.6.5, 004 §4): the quarter's tickets, SLA compliance per level and
clock, volumes per service and product. Every figure comes from the state history."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from ..models import Clock, Level, ReportMailing, Service, Structure, Ticket
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


def quarter_report_pdf(queryset, year: int, quarter: int, now=None, structure=None) -> bytes:
    """The quarter's report as a PDF (WeasyPrint, core's A4 base); with `structure`, its
    name is in the title (the report mailed to that structure)."""
    from django.utils.translation import gettext as _

    from civitas.core.documents import pdf

    context = quarter_report(queryset, year, quarter, now)
    context["title"] = _("Support activity and SLA report, quarter %(q)s of %(y)s") % {
        "q": quarter,
        "y": year,
    }
    if structure is not None:
        context["title"] = f"{context['title']} · {structure.name}"
    context["generated_at"] = timezone.localtime(now or timezone.now())
    return pdf.render_pdf("support/pdf/quarter_report.html", context)


# --- The quarter report mailed to each structure ----------------------------------------


def previous_quarter(now=None) -> tuple[int, int]:
    year, quarter = current_quarter(now)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def report_due_on(structure: Structure, year: int, quarter: int) -> date:
    """The day a quarter's report is mailed to a structure: the
    CIVITAS_SUPPORT_REPORT_BUSINESS_DAY-th business day (5 by default) after the quarter's
    last day, in the structure's calendar (public holidays and closures skipped; Monday to
    Friday with French holidays when the structure has no calendar)."""
    from django.conf import settings

    from civitas.core.calendar import BusinessCalendar

    _start, end = quarter_bounds(year, quarter)
    last_day = end.date() - timedelta(days=1)
    days = max(0, int(getattr(settings, "CIVITAS_SUPPORT_REPORT_BUSINESS_DAY", 5)))
    if days == 0:
        return last_day
    if structure.calendar is not None:
        cal = sla.build_calendar(structure.calendar)
    else:
        cal = BusinessCalendar(hours={d: [("09:00", "18:00")] for d in range(5)}, region="FR")
    return cal.add_business_days(last_day, days)


def report_recipients(structure: Structure, year: int, quarter: int):
    """The structure's correspondents who receive the reports and have not received this
    quarter's yet."""
    already = ReportMailing.objects.filter(
        structure=structure, year=year, quarter=quarter, recipient__isnull=False
    ).values("recipient_id")
    return (
        structure.people.filter(receives_reports=True, user__is_active=True)
        .exclude(user__email="")
        .exclude(user_id__in=already)
        .select_related("user")
        .order_by("pk")
    )


def mail_quarter_reports(now=None) -> int:
    """Periodic: once the last quarter's report is due for a structure, mail it (PDF
    attached, in the recipient's language) to each correspondent who receives the reports,
    with the figures of that structure only. Each recipient gets each quarter's report once
    (a ReportMailing row, unique, written with the mail in one transaction); each mail is
    journaled. Returns the number of mails queued."""
    now = now or timezone.now()
    year, quarter = previous_quarter(now)
    today = now.astimezone(PARIS).date()
    sent = 0
    for structure in Structure.objects.select_related("calendar").order_by("pk"):
        if today < report_due_on(structure, year, quarter):
            continue
        pdfs: dict[str, bytes] = {}
        for person in report_recipients(structure, year, quarter):
            sent += _mail_report(structure, person.user, year, quarter, now, pdfs)
    return sent


def _mail_report(structure, user, year, quarter, now, pdfs) -> int:
    from django.conf import settings
    from django.utils import translation

    from civitas.core import journal
    from civitas.core.outbox import services as outbox

    codes = [code for code, _name in settings.LANGUAGES]
    language = user.language if user.language in codes else settings.LANGUAGE_CODE
    if language not in pdfs:
        # Rendered before the transaction: a PDF takes a while, the write lock does not wait.
        with translation.override(language):
            pdfs[language] = quarter_report_pdf(
                Ticket.objects.filter(structure=structure), year, quarter, now, structure
            )
    with transaction.atomic():
        _row, created = ReportMailing.objects.get_or_create(
            structure=structure,
            year=year,
            quarter=quarter,
            recipient=user,
            defaults={"sent_at": now},
        )
        if not created:  # another run was quicker
            return 0
        outbox.send_message(
            "support.quarter_report",
            email=user,
            language=language,
            context={
                "name": user.get_full_name(),
                "structure": structure.name,
                "quarter": quarter,
                "year": year,
            },
            scope_type="unit",
            scope_id=structure.unit_id,
            attachments=[(f"support-{year}-T{quarter}.pdf", pdfs[language], "application/pdf")],
        )
        journal.record(
            "support.quarter_report_mailed",
            obj=structure,
            details={"year": year, "quarter": quarter, "email": user.email},
        )
    return 1
