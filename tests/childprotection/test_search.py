"""Searching files by a child's name from the list screen: accents folded everywhere, typos
forgiven on PostgreSQL (pg_trgm, migration 0007), and always only the files one may see."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from civitas.childprotection.models import Child, File
from civitas.childprotection.services import files


@pytest.fixture
def named(cp):
    """A Dupont and a Lefèvre in the north file, a Dupont in the south one, and a north
    file with an unrelated child."""
    Child.objects.create(file=cp["north_file"], last_name="Dupont", first_name="Léa")
    Child.objects.create(file=cp["north_file"], last_name="Lefèvre", first_name="Zoé")
    Child.objects.create(file=cp["south_file"], last_name="Dupont", first_name="Hugo")
    other = File.objects.create(
        number="IP-2026-000003",
        received_at=cp["north_file"].received_at + dt.timedelta(days=1),
        territory=cp["north"],
    )
    Child.objects.create(file=other, last_name="Moreau", first_name="Inès")
    return {**cp, "other_file": other}


def listed(client, **params):
    response = client.get(reverse("childprotection:file_list"), params)
    assert response.status_code == 200
    return [f.number for f in response.context["page_obj"]]


def test_list_screen_folds_accents_and_keeps_to_scope(named, cp_client):
    north, south, other = (named[k].number for k in ("north_file", "south_file", "other_file"))
    assert listed(cp_client("crip"), name="lefevre") == [north]
    assert listed(cp_client("crip"), name="LEFÈVRE zoé") == [north]
    assert sorted(listed(cp_client("crip"), name="dupont")) == sorted([north, south])
    # the agent of the north sees only the north Dupont, never the south one
    assert listed(cp_client("north"), name="Dupont") == [north]
    assert listed(cp_client("south"), name="Dupont") == [south]
    # no name: every visible file, newest first
    assert listed(cp_client("north")) == [other, north]


@pytest.mark.postgres
def test_migration_made_the_trigram_index(db):
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cur.fetchone()
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'cp_child_name_trgm'")
        row = cur.fetchone()
    assert row and "gin_trgm_ops" in row[0]


@pytest.mark.postgres
def test_a_typo_still_finds_the_child_on_postgresql(named, cp_client):
    north, south = named["north_file"].number, named["south_file"].number
    assert sorted(listed(cp_client("crip"), name="Dupond")) == sorted([north, south])
    assert listed(cp_client("crip"), name="Lefevre") == [north]
    assert listed(cp_client("crip"), name="Lefevres Zoé") == [north]
    assert listed(cp_client("crip"), name="Dupond Hugo")[0] == south  # best match first
    # scope still applies to what the similarity finds
    assert listed(cp_client("north"), name="Dupond") == [north]
    assert listed(cp_client("south"), name="Dupond") == [south]
    assert listed(cp_client("south"), name="Lefevres") == []
    # a name nothing resembles finds nothing
    assert listed(cp_client("crip"), name="Xylophone") == []


@pytest.mark.postgres
def test_search_ranks_the_exact_name_before_lookalikes(named):
    crip = named["users"]["crip"]
    near = File.objects.create(
        number="IP-2026-000004",
        received_at=named["north_file"].received_at + dt.timedelta(days=30),
        territory=named["north"],
    )
    Child.objects.create(file=near, last_name="Moreaux", first_name="Inès")
    found = list(files.search(crip, name="Moreau Inès"))
    # the newer lookalike comes after the exact name
    assert found == [named["other_file"], near]


def test_sqlite_falls_back_to_contains(named):
    if connection.vendor == "postgresql":
        pytest.skip("the fallback is the SQLite path")
    assert not files.search(named["users"]["crip"], name="Dupond")
