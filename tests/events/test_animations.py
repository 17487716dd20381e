"""Animations: seats, waiting list with offers and deadlines, the participant leaving, the
organisers' operations, people told through the outbox."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from civitas.core.outbox.models import Message
from civitas.events.models import Animation, AnimationRegistration, Room
from civitas.events.services import ServiceError
from civitas.events.services import animations as svc

from .animation_helpers import at, make_animation
from .conftest import make_company

S = AnimationRegistration.Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def reps(event):
    return [make_company(event, f"Firm{i}").representatives.get() for i in range(4)]


def test_seats_in_one_count(event, reps):
    a = make_animation(event, capacity=2)
    assert svc.availability(a).left == 2
    svc.register(a, reps[0])
    avail = svc.availability(a)
    assert (avail.seats, avail.taken, avail.left, avail.rate) == (2, 1, 1, 50)


def test_capacity_defaults_to_the_room(event, reps):
    room = Room.objects.get(site__event=event)
    room.capacity = 1
    room.save()
    a = make_animation(event, capacity=None)
    assert a.seats == 1
    svc.register(a, reps[0])
    assert svc.register(a, reps[1]).status == S.WAITING


def test_full_goes_to_waiting_list_then_offer_and_confirm(event, reps):
    a = make_animation(event, capacity=1)
    first = svc.register(a, reps[0])
    second = svc.register(a, reps[1])
    third = svc.register(a, reps[2])
    assert (first.status, second.status, third.status) == (S.REGISTERED, S.WAITING, S.WAITING)
    Message.objects.all().delete()
    svc.leave(first, reps[0])
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == S.OFFERED and third.status == S.WAITING
    assert second.confirm_by > timezone.now() + dt.timedelta(hours=23)
    # Told by mail and SMS, with the deadline.
    offered = Message.objects.filter(template_code="events.animation_offered", to=reps[1].email)
    assert offered.count() == 1
    assert Message.objects.filter(channel="sms", body_text__contains="Atelier").count() == 1
    # The offered seat is held: a newcomer waits.
    assert svc.register(a, reps[3]).status == S.WAITING
    with pytest.raises(ServiceError):
        svc.confirm_offer(second, reps[2])  # not theirs
    svc.confirm_offer(second, reps[1])
    second.refresh_from_db()
    assert second.status == S.REGISTERED and second.confirm_by is None


def test_expired_offer_goes_to_the_next(event, reps):
    a = make_animation(event, capacity=1)
    first = svc.register(a, reps[0])
    second = svc.register(a, reps[1])
    third = svc.register(a, reps[2])
    svc.leave(first, reps[0])
    second.refresh_from_db()
    assert svc.expire_offers() == 0  # not yet due
    later = second.confirm_by + dt.timedelta(minutes=1)
    with pytest.raises(ServiceError):
        svc.confirm_offer(second, reps[1], now=later)
    assert svc.expire_offers(now=later) == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == S.CANCELLED
    assert third.status == S.OFFERED
    assert Message.objects.filter(template_code="events.animation_offer_expired").count() == 1


def test_close_policy_closes_when_full_and_reopens_when_a_seat_frees(event, reps):
    a = make_animation(event, capacity=1, policy="close")
    reg = svc.register(a, reps[0])
    a.refresh_from_db()
    assert a.status == Animation.Status.CLOSED and a.closed_automatically
    with pytest.raises(ServiceError, match="closed"):
        svc.register(a, reps[1])
    svc.leave(reg, reps[0])
    a.refresh_from_db()
    assert a.status == Animation.Status.OPEN
    assert svc.register(a, reps[1]).status == S.REGISTERED


def test_quota_not_enforced_admits_beyond_capacity(event, reps):
    a = make_animation(event, capacity=1, quota_enforced=False)
    for rep in reps[:3]:
        assert svc.register(a, rep).status == S.REGISTERED
    assert svc.availability(a).rate == 300


def test_no_double_registration_and_invitation_only(event, reps):
    a = make_animation(event, capacity=5)
    svc.register(a, reps[0])
    with pytest.raises(ServiceError, match="already"):
        svc.register(a, reps[0])
    private = make_animation(event, "Table ronde", public=False, start=at(14), end=at(15))
    with pytest.raises(ServiceError, match="invitation"):
        svc.register(private, reps[1])
    private.invited.add(reps[1])
    assert svc.register(private, reps[1]).status == S.REGISTERED
    assert svc.register(private, reps[2], by_organiser=True).status == S.REGISTERED


def test_overlapping_animations_refused(event, reps):
    a = make_animation(event, capacity=5)
    b = make_animation(event, "Conférence", capacity=5, start=at(11, 30), end=at(12, 30))
    svc.register(a, reps[0])
    with pytest.raises(ServiceError, match="not free"):
        svc.register(b, reps[0])


def test_paid_animation_cannot_be_left_by_the_participant(event, reps):
    a = make_animation(event, price=Decimal("50.00"))
    reg = svc.register(a, reps[0])
    with pytest.raises(ServiceError, match="paid"):
        svc.leave(reg, reps[0])
    svc.cancel_registration(reg, reason="Remboursé")
    reg.refresh_from_db()
    assert reg.status == S.CANCELLED and reg.reason == "Remboursé"


def test_organiser_cancels_a_registration_and_the_next_is_offered(event, reps):
    a = make_animation(event, capacity=1)
    first = svc.register(a, reps[0])
    second = svc.register(a, reps[1])
    svc.cancel_registration(first, reason="Doublon")
    second.refresh_from_db()
    assert second.status == S.OFFERED
    mail = Message.objects.get(template_code="events.animation_registration_cancelled")
    assert "Doublon" in mail.body_text
    with pytest.raises(ServiceError):
        svc.cancel_registration(first)


def test_transfer_to_another_animation(event, reps):
    a = make_animation(event, capacity=1)
    b = make_animation(event, "Atelier douane", capacity=1, start=at(14), end=at(15))
    first = svc.register(a, reps[0])
    waiting = svc.register(a, reps[1])
    new = svc.transfer(first, b)
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == S.TRANSFERRED and first.transferred_to == new
    assert new.animation == b and new.status == S.REGISTERED
    assert waiting.status == S.OFFERED
    assert Message.objects.filter(template_code="events.animation_transferred").count() == 1
    # Full target with a waiting list: the transfer lands there.
    again = svc.transfer(waiting, b)
    assert again.status == S.WAITING
    with pytest.raises(ServiceError):
        svc.transfer(new, b)


def test_close_by_hand_needs_a_reason_and_reopen_offers_seats(event, reps):
    a = make_animation(event, capacity=3)
    with pytest.raises(ServiceError, match="reason"):
        svc.close(a, reason=" ")
    svc.close(a, reason="Intervenant malade")
    a.refresh_from_db()
    assert a.status == Animation.Status.CLOSED and a.status_reason == "Intervenant malade"
    with pytest.raises(ServiceError, match="closed"):
        svc.register(a, reps[0])
    svc.reopen(a)
    a.refresh_from_db()
    assert a.status == Animation.Status.OPEN
    assert svc.register(a, reps[0]).status == S.REGISTERED


def test_change_of_time_tells_the_registered_and_more_seats_are_offered(event, reps):
    a = make_animation(event, capacity=1)
    svc.register(a, reps[0])
    waiting = svc.register(a, reps[1])
    Message.objects.all().delete()
    a.start, a.end = at(15), at(16)
    a.capacity = 2
    changed = svc.save_animation(a)
    assert "start" in changed and "capacity" in changed
    told = Message.objects.filter(template_code="events.animation_changed", channel="email")
    # The one registered and the one now offered the new seat.
    assert set(told.values_list("to", flat=True)) == {reps[0].email}
    assert "15:00" in told.get().body_text
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED


def test_change_of_title_only_tells_nobody(event, reps):
    a = make_animation(event, capacity=1)
    svc.register(a, reps[0])
    Message.objects.all().delete()
    a.title_fr = "Nouveau titre"
    svc.save_animation(a)
    assert not Message.objects.filter(template_code="events.animation_changed").exists()


def test_cancel_animation_tells_everyone_by_mail_and_sms(event, reps):
    a = make_animation(event, capacity=1)
    svc.register(a, reps[0])
    svc.register(a, reps[1])
    Message.objects.all().delete()
    assert svc.cancel_animation(a, reason="Salle indisponible") == 2
    assert set(
        AnimationRegistration.objects.filter(animation=a).values_list("status", flat=True)
    ) == {S.CANCELLED}
    assert (
        Message.objects.filter(template_code="events.animation_cancelled", channel="email").count()
        == 2
    )
    assert Message.objects.filter(channel="sms", body_text__contains="Atelier export").count() == 2
    with pytest.raises(ServiceError, match="cancelled"):
        svc.register(a, reps[2])


def test_fill_rate_and_alert_below_forecast(event, reps, settings):
    event.organiser_email = "orga@cci.example"
    event.save()
    a = make_animation(event, capacity=4, forecast_rate=50, forecast_date=dt.date(2027, 2, 1))
    b = make_animation(event, "Autre", capacity=4, start=at(14), end=at(15))
    svc.register(a, reps[0])
    svc.register(b, reps[0])
    svc.register(b, reps[1])
    fill = svc.event_fill(event)
    assert (fill["seats"], fill["taken"], fill["rate"]) == (8, 3, 38)
    assert svc.fill_alerts(today=dt.date(2027, 1, 31)) == 0  # before the alert date
    assert svc.fill_alerts(today=dt.date(2027, 2, 1)) == 1  # 25 % < 50 %
    mail = Message.objects.get(template_code="events.animation_fill_alert")
    assert mail.to == "orga@cci.example" and "25" in mail.body_text
    assert svc.fill_alerts(today=dt.date(2027, 2, 2)) == 0  # once


def test_fill_alert_not_sent_when_above_forecast(event, reps):
    a = make_animation(event, capacity=2, forecast_rate=50, forecast_date=dt.date(2027, 2, 1))
    svc.register(a, reps[0])
    assert svc.fill_alerts(today=dt.date(2027, 2, 1)) == 0
