"""Catalogue search: French full-text search on PostgreSQL (accents, stemming, ranking, GIN
index), normalised-text matching elsewhere; one service for the page and the API."""

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from civitas.events.models import KeyFigure, Keyword
from civitas.events.services import catalogue, registration

from .conftest import make_company

pytestmark = pytest.mark.django_db


def names(event, q):
    return [c.name for c in catalogue.public_companies(event, q)]


@pytest.fixture
def companies(event):
    return {
        "elec": make_company(
            event, "Watt Conseil", offers=[("offer", "Installations", ["Électricité"])]
        ),
        "export": make_company(
            event, "Ports Unis", offers=[("request", "Partenaire à l'exportation", [])]
        ),
        "other": make_company(event, "Boulangerie Dupain", offers=[("offer", "Pain", [])]),
    }


def test_accents_and_case_are_ignored_everywhere(event, companies):
    # SQLite: normalised text; PostgreSQL: unaccent in the text search configuration.
    assert names(event, "electricite") == ["Watt Conseil"]
    assert names(event, "ÉLECTRICITÉ") == ["Watt Conseil"]
    assert names(event, "") == ["Boulangerie Dupain", "Ports Unis", "Watt Conseil"]
    assert names(event, "électricité pain") == []  # every word must match


@pytest.mark.postgres
def test_postgres_stemming(event, companies):
    assert names(event, "exportations") == ["Ports Unis"]  # plural -> "export" stem
    assert names(event, "exporter") == ["Ports Unis"]
    assert names(event, "électriques") == ["Watt Conseil"]  # "electr" stem
    assert names(event, "boulangeries") == ["Boulangerie Dupain"]


@pytest.mark.postgres
def test_postgres_query_syntax_is_harmless(event, companies):
    for q in ("pain & | ! :* ()", "'", "pain:*", "<->", "_"):
        catalogue.public_companies(event, q).count()  # no syntax error
    assert names(event, "pain !") == ["Boulangerie Dupain"]


@pytest.mark.postgres
def test_postgres_ranking_puts_the_best_match_first(event):
    make_company(event, "Alpha Services", offers=[("offer", "Conseil", ["Robotique"])])
    make_company(event, "Robotique Martin", offers=[("offer", "Bras robotisés", ["Robotique"])])
    make_company(event, "Zeta", offers=[("offer", "Maintenance", [])])
    # name (weight A) and offers mention it: first; the keyword only: second; Zeta: out.
    assert names(event, "robotique") == ["Robotique Martin", "Alpha Services"]
    ranks = [c.rank for c in catalogue.public_companies(event, "robotique")]
    assert ranks[0] > ranks[1] > 0
    # The page and the API show the same order (one service).
    html = (
        APIClient()
        .get(reverse("events:catalogue", kwargs={"slug": event.slug}), {"q": "robotique"})
        .content.decode()
    )
    assert html.index("Robotique Martin") < html.index("Alpha Services")
    api = APIClient().get(
        reverse("events:api_catalogue", kwargs={"slug": event.slug}), {"q": "robotique"}
    )
    assert [c["name"] for c in api.json()["results"]] == ["Robotique Martin", "Alpha Services"]
    # An explicit sort still wins.
    html = (
        APIClient()
        .get(
            reverse("events:catalogue", kwargs={"slug": event.slug}),
            {"q": "robotique", "sort": "name"},
        )
        .content.decode()
    )
    assert html.index("Alpha Services") < html.index("Robotique Martin")


@pytest.mark.postgres
def test_postgres_vector_follows_every_write_path(event, companies):
    from civitas.events.models import Company

    company = companies["other"]
    company.name = "Fromagerie Dupain"
    company.save()  # a save writes every column: the trigger recomputes the vector
    assert names(event, "fromageries") == ["Fromagerie Dupain"]
    company.search_text = "chaudronnerie"
    Company.objects.bulk_update([company], ["search_text"])
    assert names(event, "chaudronneries") == ["Fromagerie Dupain"]
    assert names(event, "pain") == []


@pytest.mark.postgres
def test_postgres_search_follows_profile_changes(event, companies):
    company = companies["other"]
    offer = company.offers.get()
    figure = KeyFigure.objects.create(event=event, label_fr="Chiffre d'affaires > 10 M€")
    registration.save_offer(
        offer,
        by=company.representatives.first(),
        keywords=[Keyword.objects.create(event=event, label_fr="Pâtisserie")],
        key_figures=[figure],
    )
    assert names(event, "patisseries") == ["Boulangerie Dupain"]
    assert names(event, "affaires 10") == ["Boulangerie Dupain"]


@pytest.mark.postgres
def test_postgres_gin_index_serves_the_stored_vector(event, companies):
    """On a small table the planner may prefer the event index: this checks the GIN index
    can serve the service's search condition."""
    from django.contrib.postgres.search import SearchQuery

    from civitas.events.models import Company

    query = SearchQuery("electricit:*", search_type="raw", config=catalogue.SEARCH_CONFIG)
    qs = Company.objects.alias(search=catalogue.search_vector()).filter(search=query)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "events_company_search" in plan, plan
    assert [c.name for c in qs] == ["Watt Conseil"]
