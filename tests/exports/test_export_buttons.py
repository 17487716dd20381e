"""Export buttons take explicit parameters (views no longer edit request.GET)."""

import html as htmllib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db


def render(user, source, query=""):
    request = RequestFactory().get("/backoffice/liste/" + query)
    request.user = user
    return Template("{% load civitas_exports %}" + source).render(Context({"request": request}))


def first_link(html):
    start = html.index('href="') + len('href="')
    url = htmllib.unescape(html[start : html.index('"', start)])
    return parse_qs(urlsplit(url).query)


def test_explicit_parameters_join_the_filters_and_win_over_the_query(users):
    html = render(
        users["principal"], '{% export_buttons "core.journal" action="a.b" %}', "?q=x&action=old"
    )
    query = first_link(html)
    assert query["action"] == ["a.b"] and query["q"] == ["x"]
    assert query["exporter"] == ["core.journal"] and query["format"] == ["csv"]
    assert render(users["participant"], '{% export_buttons "core.journal" x=1 %}').strip() == ""


def test_reserved_parameter_is_refused(users):
    with pytest.raises(TemplateSyntaxError):
        render(users["principal"], '{% export_buttons "core.journal" format="pdf" %}')


def test_event_lists_pass_their_event_and_the_export_holds_only_it(client_for):
    from tests.events.conftest import make_company, make_event

    event = make_event("buttons-a")
    make_company(event, "Acme")
    make_company(make_event("buttons-b"), "Other")
    client = client_for("principal")
    page = client.get(reverse("events:bo_registrations", kwargs={"pk": event.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    html = html[html.index('class="export-buttons"') :]
    query = first_link(html)
    assert query["event"] == [str(event.pk)]
    assert query["exporter"] == ["events.participants"]
    export = client.get(reverse("exports:export"), {k: v[0] for k, v in query.items()})
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Acme" in body and "Other" not in body
