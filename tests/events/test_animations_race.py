"""Two people take the last seat of a workshop at once. Without the lock both get it (the
race exists); with it, one gets the seat and the other a clear refusal."""

import threading

import pytest
from django.db import connection

from civitas.core.locking import race_test
from civitas.events.models import AnimationRegistration
from civitas.events.services import ServiceError
from civitas.events.services import animations as svc

from .animation_helpers import make_animation
from .conftest import make_company, make_event


def _race(locks):
    event = make_event(f"anim-race-{locks}")
    animation = make_animation(event, capacity=1, policy="close")
    reps = [make_company(event, f"Firm{i}").representatives.get() for i in range(2)]
    start = threading.Barrier(2)
    results = {}

    def take(rep):
        try:
            start.wait()
            svc.register(animation, rep)
            results[rep.pk] = "ok"
        except ServiceError as exc:
            results[rep.pk] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(rep,)) for rep in reps]
    with race_test(locks=locks, after_checks=0.5):
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    seated = AnimationRegistration.objects.filter(
        animation=animation, status__in=AnimationRegistration.SEATED
    ).count()
    return list(results.values()), seated


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_race_exists_without_the_lock():
    results, seated = _race(locks=False)
    assert results == ["ok", "ok"]
    assert seated == 2  # one seat sold twice


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_lock_sells_the_last_seat_once():
    results, seated = _race(locks=True)
    assert seated == 1
    assert results.count("ok") == 1
    refusal = next(r for r in results if r != "ok")
    # The second one is told the animation is full (closed automatically when it filled up).
    assert any(w in refusal for w in ("complet", "ferm", "clos", "full", "closed")), refusal
