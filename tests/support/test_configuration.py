"""The configuration tables edited in the back office: one view set, permission and scope,
forms that keep what was typed, deadlines recomputed when a calendar or a table changes."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from civitas.core.models import JournalEntry
from civitas.support.models import (
    News,
    SlaTable,
    SlaTarget,
    SupportCalendar,
    Ticket,
    TicketState,
    TimeBook,
)
from tests.conftest import make_user

PARIS = ZoneInfo("Europe/Paris")


def login(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def unit_agent(desk, unit_tree):
    """An agent configuring the north structures only."""
    return make_user(
        "agent.nord@support.example",
        role_code="support_agent",
        scope=("unit", unit_tree["north"].pk),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "table",
    [
        "actualites",
        "faq",
        "notes-de-version",
        "carnets-de-temps",
        "tables-sla",
        "calendriers",
        "etats",
    ],
)
def test_every_table_lists_and_offers_its_form(desk, table):
    client = login(desk["agent"])
    assert client.get(reverse("support:bo_config_list", kwargs={"table": table})).status_code == 200
    assert client.get(reverse("support:bo_config_new", kwargs={"table": table})).status_code == 200


@pytest.mark.django_db
def test_an_unknown_table_is_not_found(desk):
    response = login(desk["agent"]).get(reverse("support:bo_config_list", kwargs={"table": "x"}))
    assert response.status_code == 404


@pytest.mark.django_db
def test_customers_may_not_configure(desk):
    client = login(desk["referent"])
    assert client.get(reverse("support:bo_config")).status_code == 403
    url = reverse("support:bo_config_list", kwargs={"table": "actualites"})
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_a_news_item_is_created_and_journaled(desk):
    client = login(desk["agent"])
    response = client.post(
        reverse("support:bo_config_new", kwargs={"table": "actualites"}),
        {
            "title": "Maintenance du 3 mars",
            "kind": "maintenance",
            "text": "Coupure de 20 h à 22 h.",
            "pinned": "on",
            "published_at": "2027-03-01T09:00",
            "starts_at": "2027-03-03T20:00",
            "ends_at": "2027-03-03T22:00",
        },
    )
    assert response.status_code == 302
    news = News.objects.get()
    assert news.pinned and news.kind == "maintenance"
    assert JournalEntry.objects.filter(action="support.news_created").exists()


@pytest.mark.django_db
def test_a_bad_news_item_keeps_what_was_typed(desk):
    client = login(desk["agent"])
    response = client.post(
        reverse("support:bo_config_new", kwargs={"table": "actualites"}),
        {
            "title": "Incident messagerie",
            "kind": "incident",
            "text": "Les mails partent en retard.",
            "published_at": "2027-03-01T09:00",
            "starts_at": "2027-03-03T22:00",
            "ends_at": "2027-03-03T20:00",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The end comes before the start." in body
    assert "Incident messagerie" in body and "Les mails partent en retard." in body
    assert not News.objects.exists()


@pytest.mark.django_db
def test_a_unit_agent_sees_only_the_time_books_of_its_structures(desk, unit_agent):
    mine = TimeBook.objects.create(
        structure=desk["structure"], hours_bought=20, starts_on="2027-01-01"
    )
    theirs = TimeBook.objects.create(
        structure=desk["other"], hours_bought=30, starts_on="2027-01-01"
    )
    client = login(unit_agent)
    listing = client.get(reverse("support:bo_config_list", kwargs={"table": "carnets-de-temps"}))
    assert "Commune de Nord" in listing.content.decode()
    assert "Commune de Sud" not in listing.content.decode()
    edit = "support:bo_config_edit"
    assert (
        client.get(reverse(edit, kwargs={"table": "carnets-de-temps", "pk": mine.pk})).status_code
        == 200
    )
    assert (
        client.get(reverse(edit, kwargs={"table": "carnets-de-temps", "pk": theirs.pk})).status_code
        == 404
    )
    # The form offers its structures only: another is refused.
    response = client.post(
        reverse("support:bo_config_new", kwargs={"table": "carnets-de-temps"}),
        {
            "structure": desk["other"].pk,
            "hours_bought": "5",
            "starts_on": "2027-02-01",
            "phone_minutes_per_month": "0",
        },
    )
    assert response.status_code == 200
    assert TimeBook.objects.count() == 2


@pytest.mark.django_db
def test_a_unit_agent_may_not_change_the_shared_tables(desk, unit_agent):
    client = login(unit_agent)
    for table in ("actualites", "tables-sla", "calendriers", "etats"):
        assert (
            client.get(reverse("support:bo_config_list", kwargs={"table": table})).status_code
            == 403
        )
    index = client.get(reverse("support:bo_config")).content.decode()
    assert "Time books" in index and "SLA tables" not in index


def _calendar_data(**days):
    data = {"name": "Test", "region": "FR", "closures_text": "", "worked_text": ""}
    for day in range(7):
        data[f"day_{day}"] = days.get(f"day_{day}", "")
    return data


@pytest.mark.django_db
def test_a_calendar_is_typed_as_text_and_stored_as_the_core_wants(desk):
    client = login(desk["agent"])
    data = _calendar_data(day_0="09:00-12:00, 14:00-18:00", day_1="9h00-17h00")
    data["closures_text"] = "2027-08-09 2027-08-13\n2027-12-24"
    data["worked_text"] = "Pentecost Monday"
    response = client.post(reverse("support:bo_config_new", kwargs={"table": "calendriers"}), data)
    assert response.status_code == 302
    cal = SupportCalendar.objects.get(name="Test")
    assert cal.hours == {"0": [["09:00", "12:00"], ["14:00", "18:00"]], "1": [["09:00", "17:00"]]}
    assert cal.closures == [["2027-08-09", "2027-08-13"], ["2027-12-24", "2027-12-24"]]
    assert cal.worked_holidays == ["Pentecost Monday"]
    # The edit form shows the same text back.
    page = client.get(
        reverse("support:bo_config_edit", kwargs={"table": "calendriers", "pk": cal.pk})
    )
    assert "09:00-12:00, 14:00-18:00" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("day_0", "09:00-12:00, 11:00-18:00", "Two segments overlap."),
        ("day_0", "matin", "is not a segment"),
        ("day_0", "18:00-09:00", "ends before it starts"),
        ("closures_text", "2027-13-01", "is not a closure"),
        ("region", "XX", "Unknown region"),
        ("worked_text", "Jour du chat", "is not a holiday"),
    ],
)
def test_a_bad_calendar_is_refused_and_keeps_what_was_typed(desk, field, value, message):
    client = login(desk["agent"])
    data = _calendar_data(day_0="09:00-17:00", day_2="10:00-12:00")
    data[field] = value
    response = client.post(reverse("support:bo_config_new", kwargs={"table": "calendriers"}), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert value in body and "10:00-12:00" in body
    assert not SupportCalendar.objects.filter(name="Test").exists()


@pytest.mark.django_db
def test_changing_the_calendar_recomputes_the_open_tickets(desk, open_ticket):
    opened = datetime(2027, 3, 1, 10, 0, tzinfo=PARIS)  # a Monday
    ticket = open_ticket(level=1, now=opened)
    before = Ticket.objects.get(pk=ticket.pk).next_deadline
    cal = desk["calendar"]
    client = login(desk["agent"])
    data = _calendar_data(
        day_0="09:00-10:30",
        day_1="09:00-10:30",
        day_2="09:00-10:30",
        day_3="09:00-10:30",
        day_4="09:00-10:30",
    )
    data["name"], data["region"] = cal.name, cal.region
    response = client.post(
        reverse("support:bo_config_edit", kwargs={"table": "calendriers", "pk": cal.pk}), data
    )
    assert response.status_code == 302
    after = Ticket.objects.get(pk=ticket.pk).next_deadline
    assert before is not None and after is not None
    assert after > before  # fewer open hours a day: the deadline moves later


@pytest.mark.django_db
def test_an_sla_table_is_edited_with_its_targets(desk, open_ticket):
    ticket = open_ticket(level=1, now=datetime(2027, 3, 1, 10, 0, tzinfo=PARIS))
    table = desk["table"]
    targets = list(table.targets.order_by("pk"))
    client = login(desk["agent"])
    url = reverse("support:bo_config_edit", kwargs={"table": "tables-sla", "pk": table.pk})
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "code": table.code,
        "name": table.name,
        "source": table.source,
        "phase": table.phase,
        "minor_to_major_days": table.minor_to_major_days,
        "targets-TOTAL_FORMS": str(len(targets) + 1),
        "targets-INITIAL_FORMS": str(len(targets)),
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
    }
    for i, t in enumerate(targets):
        amount = t.amount * 10 if t.level == 1 else t.amount
        data.update(
            {
                f"targets-{i}-id": t.pk,
                f"targets-{i}-level": t.level,
                f"targets-{i}-clock": t.clock,
                f"targets-{i}-amount": str(amount),
                f"targets-{i}-unit": t.unit,
            }
        )
    # The empty new row as a browser posts it: the unit select sends its default.
    data[f"targets-{len(targets)}-unit"] = "hours"
    before = Ticket.objects.get(pk=ticket.pk).next_deadline
    # A duplicate (level, clock) in the new row is refused, what was typed is kept.
    n = len(targets)
    dup = targets[0]
    bad = {
        **data,
        f"targets-{n}-level": dup.level,
        f"targets-{n}-clock": dup.clock,
        f"targets-{n}-amount": "7",
        f"targets-{n}-unit": "hours",
    }
    response = client.post(url, bad)
    assert response.status_code == 200
    assert "This level already has a target for this clock." in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).next_deadline == before
    response = client.post(url, data)
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).next_deadline > before
    assert SlaTarget.objects.filter(table=table).count() == n


@pytest.mark.django_db
def test_a_state_in_use_is_kept(desk, open_ticket):
    open_ticket()
    state = TicketState.objects.get(initial=True)
    client = login(desk["agent"])
    url = reverse("support:bo_config_edit", kwargs={"table": "etats", "pk": state.pk})
    response = client.post(url, {"delete": "1"}, follow=True)
    assert "still used" in response.content.decode()
    assert TicketState.objects.filter(pk=state.pk).exists()


@pytest.mark.django_db
def test_an_unused_table_is_deleted(desk):
    table = SlaTable.objects.create(code="essai", name="Essai")
    client = login(desk["agent"])
    url = reverse("support:bo_config_edit", kwargs={"table": "tables-sla", "pk": table.pk})
    assert client.post(url, {"delete": "1"}).status_code == 302
    assert not SlaTable.objects.filter(pk=table.pk).exists()
    assert JournalEntry.objects.filter(action="support.slatable_deleted").exists()


@pytest.mark.django_db
def test_a_second_initial_state_is_refused(desk):
    client = login(desk["agent"])
    response = client.post(
        reverse("support:bo_config_new", kwargs={"table": "etats"}),
        {
            "code": "nouveau-bis",
            "label": "Nouveau bis",
            "side": "provider",
            "order": "1",
            "initial": "on",
            "auto_after_days": "20",
        },
    )
    assert response.status_code == 200
    assert "is already the initial state" in response.content.decode()
    assert "Nouveau bis" in response.content.decode()
