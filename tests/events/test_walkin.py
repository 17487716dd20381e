"""On-site registration: validated and checked in at once; incremental fill of free slots."""

import pytest

from tests.events.conftest import make_company

pytestmark = pytest.mark.django_db


def test_walk_in_registered_validated_checked_in(
    client_for, event, django_capture_on_commit_callbacks
):
    from civitas.events.models import Company, Representative
    from civitas.events.services import checkin

    checkin.ensure_lists(event)
    event.registration_closes = event.created_at  # registration closed online
    event.save()
    c = client_for("principal", lang="en")
    url = f"/backoffice/evenements/{event.pk}/sur-place/"
    data = {
        "company_name": "Walk SA",
        "country": "fr",
        "first_name": "Wanda",
        "last_name": "Walker",
        "email": "wanda@walk.example",
    }
    r = c.post(url, {**data, "email": "not-an-address"})
    assert "Walk SA" in r.content.decode()  # kept
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(url, data)
    html = r.content.decode()
    assert "Wanda Walker is registered." in html and "Print the badge" in html
    rep = Representative.objects.get(email="wanda@walk.example")
    assert rep.company.status == Company.Status.VALIDATED and rep.company.country == "FR"
    assert rep.checkins.get().method == "walkin"
    # The same address again: a clear message, nothing created.
    r = c.post(url, data)
    assert Representative.objects.filter(email="wanda@walk.example").count() == 1
    assert "already registered" in r.content.decode()


def test_fill_free_slots_keeps_planned_meetings(
    client_for, event, django_capture_on_commit_callbacks
):
    from civitas.events.models import Meeting, MeetingRequest, Room, Slot

    a = make_company(event, "Alpha").representatives.first()
    b = make_company(event, "Beta").representatives.first()
    w = make_company(event, "Walk").representatives.first()
    planned = MeetingRequest.objects.create(event=event, sender=a, recipient=b, state="confirmed")
    slot = Slot.objects.filter(session__day__event=event).order_by("start").first()
    m = Meeting.objects.create(
        event=event, request=planned, slot=slot, room=Room.objects.first(), table_number=1
    )
    MeetingRequest.objects.create(event=event, sender=w, recipient=a, state="confirmed")
    c = client_for("principal", lang="en")
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/backoffice/evenements/{event.pk}/sur-place/", {"action": "fill"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert (m.slot_id, m.table_number, m.state) == (slot.pk, 1, "scheduled")
    new = Meeting.objects.get(request__sender=w)
    assert new.slot_id != slot.pk  # A is busy at the first slot
