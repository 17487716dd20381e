"""Reports: SLA compliance counted from the history, quarter list and its exports."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from civitas.support.services import reports, tickets

PARIS = ZoneInfo("Europe/Paris")


def at(day, hour, month=3):
    return datetime(2027, month, day, hour, tzinfo=PARIS)


@pytest.mark.django_db
def test_compliance_per_level_and_clock(desk, open_ticket):
    on_time = open_ticket(level=1, now=at(1, 10))  # take charge 8 h: Tuesday 10:00
    tickets.change_state(on_time, "in_progress", by=desk["agent"], now=at(1, 15))
    late = open_ticket(level=1, now=at(1, 10))
    tickets.change_state(late, "in_progress", by=desk["agent"], now=at(3, 10))
    open_ticket(level=1, now=at(1, 10))  # never taken: lapsed
    qs = reports.quarter_tickets(reports.visible(desk["agent"]), 2027, 1)
    assert qs.count() == 3
    rows = reports.compliance(qs, now=at(4, 10))
    take = next(r for r in rows if r["clock"] == "Take charge" or r["clock"] == "Prise en charge")
    assert (take["on_time"], take["late"], take["lapsed"]) == (1, 1, 1)
    assert take["rate"] == pytest.approx(33.3)
    assert reports.quarter_tickets(reports.visible(desk["agent"]), 2027, 2).count() == 0
    assert reports.quarter_tickets(reports.visible(desk["user"]), 2027, 1).count() == 0


@pytest.mark.django_db
def test_report_page_and_csv_export(desk, open_ticket):
    open_ticket(level=0, now=at(2, 10), subject="Plantage au démarrage")
    client = Client()
    client.force_login(desk["agent"])
    page = client.get(reverse("support:bo_reports"), {"year": "2027", "quarter": "1"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Plantage au démarrage" in html and 'id="support-chart-data"' in html
    # Nonsense parameters: a message, never a 500.
    assert client.get(reverse("support:bo_reports"), {"quarter": "9"}).status_code == 200
    csv = client.get(
        reverse("exports:export"),
        {"exporter": "support.quarter_tickets", "format": "csv", "year": "2027", "quarter": "1"},
    )
    assert csv.status_code == 200
    assert "Plantage au démarrage" in b"".join(csv.streaming_content).decode("utf-8-sig")
    customer = Client()
    customer.force_login(desk["user"])
    assert customer.get(reverse("support:bo_reports")).status_code == 403
