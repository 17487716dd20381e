"""Registrations against the organiser's forecast: the dashboard's rate and the alert
mailed once at the alert date."""

import datetime as dt

import pytest

from tests.events.conftest import make_company

pytestmark = pytest.mark.django_db


def _alerts():
    from civitas.core.outbox.models import Message

    return Message.objects.filter(template_code="events.event_fill_alert")


def test_fill_rate_counts_registrations_not_rejected(event):
    from civitas.events.services import dashboard, registration

    assert dashboard.fill_rate(event) is None  # no forecast, no rate
    make_company(event, "Alpha")
    make_company(event, "Pending", validated=False)
    rejected = make_company(event, "Rejected", validated=False)
    registration.reject_registration(rejected, reason="Hors cible")
    event.forecast_registrations = 8
    event.forecast_date = dt.date(2027, 2, 1)
    event.save()
    before = dashboard.fill_rate(event, today=dt.date(2027, 1, 31))
    assert before == {
        "forecast": 8,
        "registered": 2,
        "rate": 25,
        "alert_date": dt.date(2027, 2, 1),
        "below": False,  # the alert date has not come
        "alerted_at": None,
    }
    assert dashboard.fill_rate(event, today=dt.date(2027, 2, 1))["below"] is True


def test_alert_is_mailed_once_at_the_alert_date(event):
    from civitas.events.services import dashboard

    make_company(event, "Alpha")
    event.forecast_registrations = 4
    event.forecast_date = dt.date(2027, 2, 1)
    event.organiser_email = "salon@cci.example"
    event.save()
    assert dashboard.forecast_alerts(today=dt.date(2027, 1, 31)) == 0
    assert not _alerts().exists()
    assert dashboard.forecast_alerts(today=dt.date(2027, 2, 1)) == 1
    mail = _alerts().get(to="salon@cci.example")
    assert "1" in mail.body_text and "4" in mail.body_text and "25" in mail.body_text
    n = _alerts().count()
    assert dashboard.forecast_alerts(today=dt.date(2027, 2, 2)) == 0  # once
    assert _alerts().count() == n
    event.refresh_from_db()
    assert event.forecast_alerted_at is not None


def test_no_alert_when_the_forecast_is_reached(event):
    from civitas.events.services import dashboard

    make_company(event, "Alpha")
    make_company(event, "Beta")
    event.forecast_registrations = 2
    event.forecast_date = dt.date(2027, 2, 1)
    event.organiser_email = "salon@cci.example"
    event.save()
    assert dashboard.forecast_alerts(today=dt.date(2027, 2, 1)) == 0
    assert not _alerts().exists()


def test_form_sets_the_forecast_and_a_new_date_rearms_the_alert(client_for, event):
    from django.utils import timezone

    from civitas.events.backoffice.forms import EventForm

    c = client_for("principal", lang="en")
    data = {
        k: v
        for k, v in EventForm(instance=event).initial.items()
        if v not in (None, "") and k not in ("banner", "logo")
    }
    data["start_date"], data["end_date"] = "2027-03-10", "2027-03-10"
    data["public_fields"] = event.public_fields or []
    data["languages"] = event.languages or []
    data.pop("registration_opens", None)
    data.pop("registration_closes", None)
    url = f"/backoffice/evenements/{event.pk}/modifier/"
    r = c.post(url, {**data, "forecast_date": "2027-02-01"})
    assert r.status_code == 200
    assert "Give the forecast the alert date is about." in r.content.decode()
    assert 'value="2027-02-01"' in r.content.decode()  # what was typed is kept
    event.forecast_alerted_at = timezone.now()
    event.save()
    r = c.post(url, {**data, "forecast_registrations": "40", "forecast_date": "2027-02-15"})
    assert r.status_code == 302, r.content.decode()[:3000]
    event.refresh_from_db()
    assert event.forecast_registrations == 40 and event.forecast_alerted_at is None
    make_company(event, "Alpha")
    page = c.get(f"/backoffice/evenements/{event.pk}/tableau-de-bord/").content.decode()
    assert "1 companies for 40 expected (2 %)" in page
