"""Two runs of the forecast alert job at the same moment send one alert, not two
(PostgreSQL: the event's row lock; the race is first shown without it)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from civitas.core.locking import race_test

from .conftest import make_company, make_event


def _race(locks):
    from civitas.core.outbox.models import Message
    from civitas.events.services import dashboard

    event = make_event(f"forecast-race-{locks}")
    make_company(event, "Alpha")
    event.forecast_registrations = 10
    event.forecast_date = dt.date(2027, 2, 1)
    event.organiser_email = "salon@cci.example"
    event.save()
    start = threading.Barrier(2)
    sent = []

    def run():
        try:
            start.wait()
            sent.append(dashboard.forecast_alerts(today=dt.date(2027, 2, 1)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    with race_test(locks=locks, after_checks=0.5):
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    mails = Message.objects.filter(
        template_code="events.event_fill_alert", to="salon@cci.example"
    ).count()
    return sorted(sent), mails


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_race_exists_without_the_lock():
    sent, mails = _race(locks=False)
    assert sent == [1, 1] and mails == 2  # the alert mailed twice


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_lock_sends_the_alert_once():
    sent, mails = _race(locks=True)
    assert sent == [0, 1] and mails == 1
