"""Calendar of events (issue 30): the default period (twelve months from the current month;
the past twelve months for the "past" state), the previous and next periods keeping the
other filters, paging (bad page numbers fall back, never an error) and exports that carry
every filtered row, not only the page; the same period and paging on the public agenda."""

import csv
import datetime as dt
import io
from urllib.parse import parse_qs, urlparse

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from civitas.events.services import calendar, setup
from civitas.events.services.calendar import Period, add_months

pytestmark = pytest.mark.django_db

URL = "/backoffice/evenements/calendrier/"
D = dt.date


# The rule -----------------------------------------------------------------------------------


def test_add_months_keeps_the_day_or_takes_the_last_one():
    assert add_months(D(2026, 12, 1), 1) == D(2027, 1, 1)
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2028, 2, 29), -12) == D(2027, 2, 28)
    assert add_months(D(2026, 1, 15), -1) == D(2025, 12, 15)


def test_default_period_is_twelve_months_from_the_current_month():
    today = D(2026, 12, 7)
    assert calendar.period(today=today) == Period(D(2026, 12, 1), D(2027, 11, 30), True)
    # "Past" looks back: the twelve months ending with the current one.
    past = calendar.period(state=calendar.PAST, today=today)
    assert past == Period(D(2026, 1, 1), D(2026, 12, 31), True)
    # Dates given are kept; one bound alone gets the other twelve months away.
    assert calendar.period(D(2027, 3, 5), D(2027, 3, 9), today=today) == Period(
        D(2027, 3, 5), D(2027, 3, 9)
    )
    assert calendar.period(D(2027, 3, 5), today=today) == Period(D(2027, 3, 5), D(2028, 3, 4))
    assert calendar.period(end=D(2027, 3, 31), today=today) == Period(D(2026, 4, 1), D(2027, 3, 31))


def test_previous_and_next_periods_have_the_same_length():
    year = Period(D(2026, 12, 1), D(2027, 11, 30))
    assert year.shifted(1) == Period(D(2027, 12, 1), D(2028, 11, 30))
    assert year.shifted(-1) == Period(D(2025, 12, 1), D(2026, 11, 30))
    february = Period(D(2027, 2, 1), D(2027, 2, 28))  # whole months: by months, not 28 days
    assert february.shifted(1) == Period(D(2027, 3, 1), D(2027, 3, 31))
    week = Period(D(2027, 3, 8), D(2027, 3, 14))
    assert week.shifted(1) == Period(D(2027, 3, 15), D(2027, 3, 21))
    assert week.shifted(-1) == Period(D(2027, 3, 1), D(2027, 3, 7))


# Back office --------------------------------------------------------------------------------


def _event(slug, day):
    return setup.create_event(
        name=f"Salon {slug}",
        slug=slug,
        start_date=day,
        end_date=day,
        booking_mode="requests",
        is_published=True,
    )


def _titles(response):
    return [e.title for _month, items in response.context["months"] for e in items]


@pytest.fixture
def spread():
    """Events last year, today, in eleven and in thirteen months."""
    month = timezone.localdate().replace(day=1)
    return {
        "last_year": _event("last-year", add_months(month, -11)),
        "now": _event("today", timezone.localdate()),
        "later": _event("eleven-months", add_months(month, 11)),
        "far": _event("thirteen-months", add_months(month, 13)),
    }


def test_backoffice_default_period_past_state_and_period_links(spread, client_for):
    client = client_for("principal")
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["period"].default
    assert set(_titles(response)) == {spread["now"].name, spread["later"].name}
    # The past stays reachable: the "past" state looks back twelve months.
    past = client.get(URL, {"state": "past"})
    assert _titles(past) == [spread["last_year"].name]
    # The next period keeps the other filters and moves twelve months on.
    page = client.get(URL, {"kind": "event"}).content.decode()
    next_query = response_query(client.get(URL, {"kind": "event"}), "next_query")
    assert next_query["kind"] == ["event"]
    assert "page" not in next_query and "format" not in next_query
    assert 'rel="next"' in page and 'rel="prev"' in page
    nxt = client.get(URL, {k: v[0] for k, v in next_query.items()})
    assert _titles(nxt) == [spread["far"].name]
    previous = response_query(client.get(URL), "previous_query")
    assert _titles(client.get(URL, {k: v[0] for k, v in previous.items()})) == [
        spread["last_year"].name
    ]


def response_query(response, name):
    return parse_qs(urlparse(response.context[name]).query)


def test_backoffice_paging_keeps_filters_and_exports_every_row(spread, client_for, monkeypatch):
    monkeypatch.setattr(calendar, "PAGE_SIZE", 2)
    client = client_for("principal")
    month = timezone.localdate().replace(day=1)
    for i in range(3):
        _event(f"more-{i}", add_months(month, 2) + dt.timedelta(days=i))
    params = {"kind": "event"}
    first = client.get(URL, params)
    assert first.context["count"] == 5 and len(_titles(first)) == 2
    html = first.content.decode()
    assert "kind=event&amp;page=2" in html  # the page links keep the filters
    assert [len(_titles(client.get(URL, {**params, "page": n}))) for n in (2, 3)] == [2, 1]
    # A page number that is not one gives the first page; beyond the last, the last.
    for bad, expected in (("abc", 1), ("0", 3), ("-1", 3), ("99", 3), ("", 1), ("1e9", 1)):
        response = client.get(URL, {**params, "page": bad})
        assert response.status_code == 200, bad
        assert response.context["page"].number == expected, bad
    # The exports carry every filtered row of the period, whatever the page.
    rows = list(
        csv.reader(
            io.StringIO(client.get(URL, {**params, "page": 2, "format": "csv"}).content.decode()),
            delimiter=";",
        )
    )
    assert len(rows) == 1 + 5
    assert spread["far"].name not in {r[1] for r in rows}  # outside the period
    ics = client.get(URL, {**params, "page": 3, "format": "ics"})
    assert len(icalendar.Calendar.from_ical(ics.content).walk("VEVENT")) == 5


# Public agenda ------------------------------------------------------------------------------


def test_public_agenda_period_never_shows_the_past(spread, client):
    agenda = reverse("events:public_agenda")
    response = client.get(agenda)
    assert set(_titles(response)) == {spread["now"].name, spread["later"].name}
    assert response.context["previous_query"] == ""  # nothing before the current month
    nxt = client.get(agenda + response.context["next_query"])
    assert _titles(nxt) == [spread["far"].name]
    assert nxt.context["previous_query"]
    # A start in the past is brought back to the current month; a wrong one is ignored.
    for start in ("2000-01-01", "not-a-date", "2026-13-45"):
        again = client.get(agenda, {"start": start})
        assert again.status_code == 200
        assert again.context["period"] == response.context["period"]
        assert spread["last_year"].name not in again.content.decode()


def test_public_agenda_pages(spread, client, monkeypatch):
    monkeypatch.setattr(calendar, "PAGE_SIZE", 1)
    agenda = reverse("events:public_agenda")
    month = timezone.localdate().replace(day=1)
    _event("public-more", add_months(month, 3))
    first = client.get(agenda)
    assert first.context["page"].paginator.count >= 2 and len(_titles(first)) == 1
    last = client.get(agenda, {"page": "999"})
    assert last.status_code == 200 and last.context["page"].number == (
        first.context["page"].paginator.num_pages
    )
    assert _titles(last) == [spread["later"].name]
