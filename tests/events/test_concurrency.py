"""Two people confirm at once two meetings that would put the same representative in two
places at the same slot ("slots" booking mode). Without the row locks both succeed (the
race exists); with them, exactly one succeeds and the other gets a clear refusal."""

import threading

import pytest
from django.db import connection

from civitas.core.locking import race_test
from civitas.events.models import Meeting, Slot
from civitas.events.services import ServiceError
from civitas.events.services import meetings as svc

from .conftest import make_company, make_event


def _race(monkeypatch, locking):
    event = make_event(f"race-{locking}", mode="slots", tables=10)
    slot = Slot.objects.filter(session__day__event=event).first()
    b = make_company(event, "Beta").representatives.get()
    a = make_company(event, "Alpha").representatives.get()
    c = make_company(event, "Gamma").representatives.get()
    r1 = svc.send_request(a, b, slot=slot)
    r2 = svc.send_request(c, b, slot=slot)
    svc.accept_request(r1, b)
    svc.accept_request(r2, b)
    start = threading.Barrier(2)
    results = {}

    def confirm(req, by):
        try:
            start.wait()
            svc.confirm_request(req, by)
            results[req.pk] = "ok"
        except ServiceError as exc:
            results[req.pk] = str(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=confirm, args=(r1, a)),
        threading.Thread(target=confirm, args=(r2, c)),
    ]
    # Widen the window between the checks and the insert, as a slow request would; without
    # locks the race shows.
    with race_test(locks=locking, after_checks=0.5):
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    count = Meeting.objects.filter(slot=slot, state="scheduled", request__recipient=b).count()
    return results, count


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_race_exists_without_locks(monkeypatch):
    results, count = _race(monkeypatch, locking=False)
    assert list(results.values()) == ["ok", "ok"]
    assert count == 2  # the same person is in two meetings at the same time


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_locks_prevent_double_booking(monkeypatch):
    results, count = _race(monkeypatch, locking=True)
    assert sum(v == "ok" for v in results.values()) == 1
    refusal = next(v for v in results.values() if v != "ok")
    assert "10/03/2027 09:00" in refusal  # the clear ServiceError naming the slot
    assert count == 1
