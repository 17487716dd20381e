"""Linked operations: an event split into operations at different places (seed 003 §9)."""

import datetime as dt

import pytest

from tests.conftest import make_user
from tests.events.conftest import make_company, make_event

pytestmark = pytest.mark.django_db


def test_family_figures_and_public_links(client_for):
    from civitas.events.services import operations

    parent = make_event("salon")
    lyon = make_event("salon-lyon")
    lille = make_event("salon-lille")
    alone = make_event("autre")
    for op in (lyon, lille):
        op.parent = parent
        op.save()
    lille.start_date = lille.end_date = dt.date(2027, 3, 5)
    lille.save()
    make_company(parent, "Alpha")
    make_company(lyon, "Beta")
    make_company(lyon, "Gamma", validated=False)
    assert operations.family(alone) == []
    assert [e.slug for e in operations.family(lyon)] == ["salon", "salon-lille", "salon-lyon"]
    fig = operations.figures(lyon)
    assert fig["total"] == {"registered": 3, "validated": 2, "meetings": 0}
    lyon_row = next(r for r in fig["rows"] if r["event"].pk == lyon.pk)
    assert (lyon_row["registered"], lyon_row["validated"]) == (2, 1)
    # The public page of an operation lists the others (published only).
    lille.is_published = False
    lille.save()
    html = client_for("anonymous", lang="en").get("/evenements/salon-lyon/", follow=True)
    text = html.content.decode()
    assert "Linked operations" in text and "/evenements/salon/" in text
    assert "salon-lille" not in text
    url = f"/backoffice/evenements/{lyon.pk}/tableau-de-bord/"
    page = client_for("principal", lang="en").get(url)
    assert "Linked operations" in page.content.decode()


def test_dashboard_shows_only_the_operations_the_user_may_see():
    from civitas.core import accounts
    from civitas.core.models import Role
    from civitas.events.services import operations

    parent = make_event("salon")
    lyon = make_event("salon-lyon")
    lyon.parent = parent
    lyon.save()
    make_company(parent, "Alpha")
    make_company(lyon, "Beta")
    role = Role.objects.create(
        code="lyon_viewer", name="Lyon", permissions=["events.view_registrations"]
    )
    user = make_user("lyon@cci.example")
    accounts.grant(user, role, ("event", lyon.pk))
    fig = operations.figures(lyon, user)
    assert [r["event"].pk for r in fig["rows"]] == [lyon.pk]
    assert fig["total"]["registered"] == 1


def test_an_event_with_operations_cannot_become_one(client_for):
    from civitas.events.backoffice.forms import EventForm

    parent = make_event("salon")
    lyon = make_event("salon-lyon")
    lyon.parent = parent
    lyon.save()
    other = make_event("autre")
    form = EventForm(instance=parent)
    assert lyon not in form.fields["parent"].queryset  # an operation is no parent
    assert parent not in form.fields["parent"].queryset  # nor is the event itself
    data = {
        "name": parent.name,
        "slug": parent.slug,
        "start_date": "2027-03-10",
        "end_date": "2027-03-10",
        "booking_mode": parent.booking_mode,
        "request_expiry_days": 7,
        "primary_colour": "#000091",
        "secondary_colour": "#e1000f",
        "parent": other.pk,
    }
    form = EventForm(data=data, instance=parent)
    assert not form.is_valid() and "linked operations" in str(form.errors["parent"])
