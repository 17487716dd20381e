"""The register of personal-data breaches (GDPR art. 33/34): deadlines, DPO mail, CNIL
notification, alerts mailed once, journal, export and permissions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civitas.core.gdpr import breaches
from civitas.core.gdpr.models import Breach
from civitas.core.models import JournalEntry
from civitas.core.outbox.models import Message

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Clé USB perdue",
    "discovered_at": "2026-12-01T09:30",
    "description": "Une clé USB non chiffrée contenant des listes d'enfants a été perdue.",
    "confidentiality": "on",
    "data_categories": "Identité, adresse",
    "sensitive_data": "on",
    "people_categories": "Enfants suivis",
    "people_count": "120",
    "risk": "high",
    "dpo_email": "dpo@example.org",
}


def make(**kw):
    fields = {
        "title": "Fuite",
        "discovered_at": timezone.now(),
        "description": "Un envoi au mauvais destinataire.",
        "dpo_email": "dpo@example.org",
        "risk": Breach.Risk.RISK,
    }
    fields.update(kw)
    return breaches.record(**fields)


def test_deadlines_follow_the_discovery_and_the_risk():
    found = timezone.now()
    b = make(discovered_at=found)
    codes = {d.code: d for d in breaches.deadlines(b)}
    assert codes["dpo"].due == found + timedelta(hours=4)
    assert codes["cnil"].due == found + timedelta(hours=72)
    assert "people" not in codes
    assert codes["dpo"].state(found + timedelta(hours=3, minutes=30)) == "soon"
    assert codes["dpo"].state(found + timedelta(hours=5)) == "overdue"
    assert codes["cnil"].state(found + timedelta(hours=10)) == "pending"
    assert codes["cnil"].state(found + timedelta(hours=50)) == "soon"
    b.risk = Breach.Risk.NONE
    assert [d.code for d in breaches.deadlines(b)] == ["dpo"]
    b.risk = Breach.Risk.HIGH
    assert [d.code for d in breaches.deadlines(b)] == ["dpo", "cnil", "people"]


def test_notify_dpo_mails_and_journals(settings):
    b = make()
    breaches.notify_dpo(b)
    mail = Message.objects.get(to="dpo@example.org")
    assert b.reference in mail.subject
    assert "Un envoi au mauvais destinataire." in mail.body_text
    b.refresh_from_db()
    assert b.dpo_notified_at is not None
    assert JournalEntry.objects.filter(action="gdpr.breach_dpo_notified").exists()
    without = make(dpo_email="")
    with pytest.raises(ValueError):
        breaches.notify_dpo(without)


def test_late_cnil_notification_needs_its_reasons():
    b = make(discovered_at=timezone.now() - timedelta(hours=80))
    with pytest.raises(ValueError):
        breaches.mark_cnil_notified(b, "CNIL-1")
    breaches.mark_cnil_notified(b, "CNIL-1", late_reason="Découverte de l'ampleur tardive")
    b.refresh_from_db()
    assert b.cnil_reference == "CNIL-1"
    assert {d.code: d.state() for d in breaches.deadlines(b)}["cnil"] == "late_done"


def test_close_refuses_while_a_notification_is_missing():
    b = make(risk=Breach.Risk.HIGH)
    with pytest.raises(ValueError):
        breaches.close(b)
    breaches.notify_dpo(b)
    breaches.mark_cnil_notified(b, "CNIL-2")
    breaches.mark_people_informed(b)
    breaches.close(b)
    assert Breach.objects.get(pk=b.pk).status == Breach.Status.CLOSED


def test_alerts_are_mailed_once_per_deadline_state(users):
    found = timezone.now() - timedelta(hours=3, minutes=30)
    b = make(discovered_at=found)
    assert breaches.send_due_alerts() == 1  # DPO deadline within the hour
    assert breaches.send_due_alerts() == 0  # not twice
    alerts = Message.objects.filter(to="principal@example.org")
    assert alerts.count() == 1 and b.reference in alerts.get().subject
    assert not Message.objects.filter(to="secondary@example.org").exists()
    later = found + timedelta(hours=5)
    assert breaches.send_due_alerts(now=later) == 1  # now overdue: one more alert
    breaches.notify_dpo(b)
    assert breaches.send_due_alerts(now=found + timedelta(hours=49)) == 1  # CNIL soon
    assert JournalEntry.objects.filter(action="gdpr.breach_alert").count() == 3


def test_backoffice_journey(client_for):
    client = client_for("principal")
    assert client.get(reverse("gdpr:breaches")).status_code == 200
    response = client.post(reverse("gdpr:breach_create"), FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    b = Breach.objects.get()
    assert b.sensitive_data and b.confidentiality and b.people_count == 120
    page = client.get(reverse("gdpr:breach_detail", args=[b.pk])).content.decode()
    assert b.reference in page
    client.post(reverse("gdpr:breach_detail", args=[b.pk]), {"action": "dpo"})
    assert Message.objects.filter(to="dpo@example.org").exists()
    response = client.post(
        reverse("gdpr:breach_detail", args=[b.pk]),
        {"action": "cnil", "reference": "", "late_reason": ""},
    )
    assert response.status_code == 200  # form error, nothing recorded
    b.refresh_from_db()
    assert b.cnil_notified_at is None
    late = b.discovered_at + timedelta(hours=72) < timezone.now()
    client.post(
        reverse("gdpr:breach_detail", args=[b.pk]),
        {"action": "cnil", "reference": "ABC-9", "late_reason": "Ampleur découverte tard"},
    )
    b.refresh_from_db()
    assert b.cnil_reference == "ABC-9" and (b.late_reason != "") == late
    cnil = client.get(reverse("gdpr:breach_cnil", args=[b.pk])).content.decode()
    assert "Enfants suivis" in cnil and "120" in cnil
    export = client.get(reverse("exports:export"), {"exporter": "gdpr.breaches", "format": "csv"})
    assert export.status_code == 200
    body = b"".join(export.streaming_content) if export.streaming else export.content
    assert "Clé USB perdue" in body.decode("utf-8-sig")


def test_invalid_form_keeps_what_was_typed(client_for):
    response = client_for("principal").post(
        reverse("gdpr:breach_create"),
        {**FORM, "discovered_at": "", "description": "Gardé tel quel"},
    )
    assert response.status_code == 200
    assert "Gardé tel quel" in response.content.decode()
    assert not Breach.objects.exists()


def test_register_needs_its_permission(client_for):
    assert client_for("secondary").get(reverse("gdpr:breaches")).status_code == 403
    assert client_for("participant").get(reverse("gdpr:breaches")).status_code == 403
