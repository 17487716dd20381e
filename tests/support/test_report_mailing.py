"""The quarter report mailed after each quarter to the correspondents each structure names:
their own structure's figures only, once per quarter, journaled."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from civitas.core.models import JournalEntry
from civitas.core.outbox.models import Message as OutMessage
from civitas.support.models import Correspondent, ReportMailing
from civitas.support.services import reports, tickets

PARIS = ZoneInfo("Europe/Paris")


def at(year, month, day, hour=10):
    return datetime(year, month, day, hour, tzinfo=PARIS)


def pdf_text(content: bytes) -> str:
    """The PDF's text with its line breaks (wrapped cells) read as single spaces."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def report_of(email):
    """The one quarter report mail queued for `email`, and the text of its PDF."""
    mail = OutMessage.objects.get(to=email, template_code="support.quarter_report")
    attachment = mail.attachments.get()
    assert attachment.content_type == "application/pdf"
    return mail, pdf_text(bytes(attachment.content))


@pytest.fixture
def quarter(desk, open_ticket, settings):
    """Q1 2027: two tickets of Nord, one of Sud. Nord's référent (English) and Sud's user
    (French) receive the reports, Nord's simple user does not."""
    settings.CIVITAS_SUPPORT_REPORT_BUSINESS_DAY = 5
    signature = open_ticket(level=1, now=at(2027, 3, 1), subject="Signature refusée")
    tickets.change_state(signature, "in_progress", by=desk["agent"], now=at(2027, 3, 1, 15))
    open_ticket(level=2, now=at(2027, 3, 2), subject="Export vide")
    open_ticket(
        level=2,
        now=at(2027, 2, 10),
        user=desk["outsider"],
        structure=desk["other"],
        subject="Panne du parapheur sud",
    )
    # Opened in the next quarter: not in Q1's report.
    open_ticket(level=3, now=at(2027, 4, 2), subject="Question d'avril")
    desk["referent"].language = "en"
    desk["referent"].save(update_fields=["language"])
    Correspondent.objects.filter(user__in=[desk["referent"], desk["outsider"]]).update(
        receives_reports=True
    )
    return desk


@pytest.mark.django_db
def test_the_report_is_due_on_the_fifth_business_day_after_the_quarter(quarter, settings):
    # 31 March 2027 is a Wednesday: 1, 2, 5, 6, 7 April.
    assert reports.report_due_on(quarter["structure"], 2027, 1) == date(2027, 4, 7)
    # In 2026 Easter Monday (6 April) is skipped: 1, 2, 3, 7, 8 April.
    assert reports.report_due_on(quarter["structure"], 2026, 1) == date(2026, 4, 8)
    settings.CIVITAS_SUPPORT_REPORT_BUSINESS_DAY = 0
    assert reports.report_due_on(quarter["structure"], 2027, 1) == date(2027, 3, 31)
    assert reports.previous_quarter(at(2027, 1, 5)) == (2026, 4)
    assert reports.previous_quarter(at(2027, 4, 7)) == (2027, 1)


@pytest.mark.django_db
def test_each_recipient_gets_their_structures_report_once(quarter):
    desk = quarter
    # Before the due day nothing goes.
    assert reports.mail_quarter_reports(now=at(2027, 4, 6, 23)) == 0
    assert not OutMessage.objects.filter(template_code="support.quarter_report").exists()

    assert reports.mail_quarter_reports(now=at(2027, 4, 7, 8)) == 2

    mail, text = report_of(desk["referent"].email)
    assert mail.language == "en"
    assert "Support report, quarter 1 of 2027: Commune de Nord" in mail.subject
    assert "quarter 1 of 2027 · Commune de Nord" in text
    assert "Signature refusée" in text and "Export vide" in text
    assert "2 tickets opened in the quarter" in text
    assert "Panne du parapheur sud" not in text and "Question d'avril" not in text

    mail, text = report_of(desk["outsider"].email)
    assert mail.language == "fr"
    assert "trimestre 1 de 2027 · Commune de Sud" in text
    assert "Panne du parapheur sud" in text
    assert "Signature refusée" not in text and "Export vide" not in text

    # Nord's simple user is not named to receive the reports.
    assert not OutMessage.objects.filter(
        to=desk["user"].email, template_code="support.quarter_report"
    ).exists()
    assert ReportMailing.objects.count() == 2
    journaled = JournalEntry.objects.filter(action="support.quarter_report_mailed")
    assert sorted(e.details["email"] for e in journaled) == sorted(
        [desk["referent"].email, desk["outsider"].email]
    )

    # A second run, the same day or later in the quarter, sends nothing more.
    assert reports.mail_quarter_reports(now=at(2027, 4, 7, 14)) == 0
    assert reports.mail_quarter_reports(now=at(2027, 6, 30)) == 0
    assert OutMessage.objects.filter(template_code="support.quarter_report").count() == 2

    # A correspondent named later receives the quarter's report once, the others nothing.
    Correspondent.objects.filter(user=desk["user"]).update(receives_reports=True)
    assert reports.mail_quarter_reports(now=at(2027, 5, 3)) == 1
    _mail, text = report_of(desk["user"].email)
    assert "Signature refusée" in text
    assert OutMessage.objects.filter(template_code="support.quarter_report").count() == 3

    # The next quarter has its own report, due on 7 July 2027.
    assert reports.mail_quarter_reports(now=at(2027, 7, 6)) == 0
    assert reports.mail_quarter_reports(now=at(2027, 7, 7)) == 3
    q2 = OutMessage.objects.filter(
        to=desk["referent"].email, template_code="support.quarter_report"
    ).latest("pk")
    assert "quarter 2 of 2027" in q2.subject
    assert "Question d'avril" in pdf_text(bytes(q2.attachments.get().content))


@pytest.mark.django_db
def test_the_mailing_is_a_registered_periodic_job(quarter):
    from civitas.core import periodic

    assert "support.quarter_reports" in [job.name for job in periodic.jobs()]


@pytest.mark.django_db
def test_agents_name_the_recipients_on_the_structure_page(desk):
    client = Client()
    client.force_login(desk["agent"])
    client.cookies["django_language"] = "en"
    url = reverse("support:bo_structure", kwargs={"pk": desk["structure"].pk})
    person = Correspondent.objects.get(user=desk["referent"])
    assert "Mail the quarter reports" in client.get(url).content.decode()
    response = client.post(url, {"what": "reports_on", "person": person.pk})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.receives_reports
    assert JournalEntry.objects.filter(action="support.report_recipient_changed").exists()
    assert "Stop mailing the quarter reports" in client.get(url).content.decode()
    # A person of another structure is not found through this structure's page.
    stranger = Correspondent.objects.get(user=desk["outsider"])
    assert client.post(url, {"what": "reports_on", "person": stranger.pk}).status_code == 404
    stranger.refresh_from_db()
    assert not stranger.receives_reports
    client.post(url, {"what": "reports_off", "person": person.pk})
    person.refresh_from_db()
    assert not person.receives_reports
    # Customers do not reach the page.
    customer = Client()
    customer.force_login(desk["referent"])
    assert customer.post(url, {"what": "reports_on", "person": person.pk}).status_code == 403
