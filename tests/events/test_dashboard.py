"""The event dashboard counts from the live data."""

import pytest

from tests.events.conftest import make_company

pytestmark = pytest.mark.django_db


def test_dashboard_figures_and_page(client_for, event):
    from civitas.events.models import Meeting, MeetingRequest, Room, Slot
    from civitas.events.services import checkin, dashboard

    a = make_company(event, "Alpha").representatives.first()
    b = make_company(event, "Beta").representatives.first()
    make_company(event, "Gamma")
    make_company(event, "Pending", validated=False, country="DE")
    req = MeetingRequest.objects.create(event=event, sender=a, recipient=b, state="confirmed")
    MeetingRequest.objects.create(event=event, sender=b, recipient=a)
    slot = Slot.objects.filter(session__day__event=event).order_by("start").first()
    Meeting.objects.create(
        event=event, request=req, slot=slot, room=Room.objects.first(), table_number=1
    )
    checkin.ensure_lists(event)
    checkin.scan(event.checkin_lists.get(kind="event"), a.checkin_token)
    d = dashboard.summary(event)
    assert d["statuses"] == {"registered": 1, "validated": 3, "rejected": 0}
    assert d["meetings"] == {"requested": 2, "accepted": 1, "placed": 1, "held": 0, "no_show": 0}
    assert [c.name for c in d["without_meeting"]] == ["Gamma"]
    assert d["occupancy"][0][1:] == (1, 10, 10)
    assert d["attendance"] == {"registered": 3, "present": 1, "rate": 33}
    assert d["registrations"][-1][2] == 4
    assert dict(d["countries"]) == {"France": 3}
    page = client_for("principal", lang="en").get(
        f"/backoffice/evenements/{event.pk}/tableau-de-bord/"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "chart.umd.min.js" in html and "Table occupancy per slot" in html
    assert "1 validated company without a meeting" in html
