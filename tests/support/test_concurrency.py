"""Races of the support desk on PostgreSQL: each test first shows the race without the lock
(locking.race_test(locks=False): both requests pass the check), then that the lock refuses
the second one."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from civitas.core import locking
from civitas.support.models import TimeBook, TimeEntry, UserRequest
from civitas.support.services import portal
from civitas.support.services.tickets import TicketError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(work, args):
    """Run work(arg) in one thread per arg at once; return the outcomes."""
    outcomes = []
    barrier = threading.Barrier(len(args))

    def run(arg):
        try:
            barrier.wait()
            work(arg)
            outcomes.append("ok")
        except TicketError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.mark.parametrize("locks", [False, True])
def test_two_user_requests_never_exceed_the_portal_users(desk, locks):
    structure = desk["structure"]  # 2 declared users of 3 allowed: one request left
    assert structure.people.count() == 2 and structure.max_portal_users == 3

    def request(email):
        portal.request_user(structure, desk["referent"], "add", email)

    with locking.race_test(locks=locks, after_checks=0.5):
        outcomes = race(request, ["a@nord.example", "b@nord.example"])
    pending = UserRequest.objects.filter(structure=structure, state="pending").count()
    if locks:
        assert outcomes == ["ok", "refused"] and pending == 1
    else:  # the race the lock prevents: both pass the count
        assert outcomes == ["ok", "ok"] and pending == 2


@pytest.mark.parametrize("locks", [False, True])
def test_two_phone_entries_never_exceed_the_monthly_cap(desk, locks):
    book = TimeBook.objects.create(
        structure=desk["structure"],
        hours_bought=20,
        starts_on=date(2027, 3, 1),
        phone_minutes_per_month=60,
    )

    def record(minutes):
        with transaction.atomic():
            portal.record_time(book, minutes, on=date(2027, 3, 10), kind="phone")

    with locking.race_test(locks=locks, after_checks=0.5):
        outcomes = race(record, [40, 40])
    used = sum(TimeEntry.objects.filter(book=book).values_list("minutes", flat=True))
    if locks:
        assert outcomes == ["ok", "refused"] and used == 40
    else:
        assert outcomes == ["ok", "ok"] and used == 80
