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


@pytest.mark.django_db
def test_the_quarter_report_pdf_carries_the_figures(desk, open_ticket, unit_tree):
    import io

    from pypdf import PdfReader

    from civitas.support.services import satisfaction
    from tests.conftest import make_user

    on_time = open_ticket(level=1, now=at(1, 10), subject="Signature refusée")
    tickets.change_state(on_time, "in_progress", by=desk["agent"], now=at(1, 15))
    done = open_ticket(level=2, now=at(2, 10), subject="Export vide")
    tickets.agent_reply(done, desk["agent"], "Corrigé", "bug_fixed_in_version", now=at(3, 10))
    satisfaction.answer(done.satisfaction, 5, via="link")
    client = Client()
    client.force_login(desk["agent"])
    client.cookies["django_language"] = "en"
    response = client.get(reverse("support:bo_reports_pdf") + "?year=2027&quarter=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    # Table cells wrap: the text extracted is read with its line breaks as spaces.
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "quarter 1 of 2027" in text
    assert "Signature refusée" in text and "Export vide" in text
    assert "1 answers to 1 questions" in text and "5.0 out of 5" in text
    assert "Application bug" in text
    # A bad quarter is a message, not a 500; an agent scoped elsewhere sees none of them.
    bad = client.get(reverse("support:bo_reports_pdf") + "?year=2027&quarter=9")
    assert bad.status_code == 302
    south = make_user(
        "agent.sud@support.example",
        role_code="support_agent",
        scope=("unit", unit_tree["south"].pk),
    )
    other = Client()
    other.force_login(south)
    other.cookies["django_language"] = "en"
    pdf = other.get(reverse("support:bo_reports_pdf") + "?year=2027&quarter=1").content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Signature refusée" not in text and "No ticket this quarter." in text
