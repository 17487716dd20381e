"""The read-only child protection API and the exports: same permission, second factor and
need to know as the screens, every read of a file journaled, bad input answered 400."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from civitas.childprotection.models import BreakGlass, Child, Commune, Reporter
from civitas.core.models import JournalEntry

FILES = "/api/v1/childprotection/files/"


@pytest.fixture
def data(cp):
    Child.objects.create(
        file=cp["north_file"],
        last_name="Lefèvre",
        first_name="Zoé",
        birth_date=dt.date(2019, 5, 14),
        commune=Commune.objects.get(insee_code="92040"),
        comment="Commentaire sensible",
    )
    Child.objects.create(file=cp["south_file"], last_name="Dupont", first_name="Hugo")
    Reporter.objects.create(file=cp["north_file"], identity="Mme Voisine", contact="06")
    return cp


def numbers(response):
    assert response.status_code == 200, response.content
    return [f["number"] for f in response.json()["results"]]


def test_urls_are_the_documented_ones(data):
    assert reverse("childprotection:api_files") == FILES
    assert reverse("childprotection:api_file", kwargs={"pk": 7}) == f"{FILES}7/"


def test_list_keeps_to_scope_and_searches(data, cp_client):
    north, south = data["north_file"].number, data["south_file"].number
    assert sorted(numbers(cp_client("crip").get(FILES))) == sorted([north, south])
    assert numbers(cp_client("north").get(FILES)) == [north]
    assert numbers(cp_client("south").get(FILES)) == [south]
    assert numbers(cp_client("crip").get(FILES, {"name": "lefevre"})) == [north]
    assert numbers(cp_client("south").get(FILES, {"name": "lefevre"})) == []
    body = cp_client("north").get(FILES).json()["results"][0]
    assert body["territory"]["name"] == "Territoire Nord"
    assert "summary" not in body and "children" not in body  # a list holds no content
    entry = JournalEntry.objects.filter(action="childprotection.api_search").latest("id")
    assert entry.details["files"] == [north]


def test_who_may_not_read(data, cp_client):
    from django.test import Client

    assert Client().get(FILES).status_code in (401, 403)
    # the DPO reads the consultation journal, never a file
    assert cp_client("dpo").get(FILES).status_code == 403
    assert cp_client("dpo").get(f"{FILES}{data['north_file'].pk}/").status_code == 403


def test_detail_is_scoped_and_journaled(data, cp_client):
    north = data["north_file"]
    url = f"{FILES}{north.pk}/"
    before = JournalEntry.objects.filter(action="childprotection.file_read").count()
    response = cp_client("crip").get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["summary"] == "Nord secret"
    assert body["children"][0]["last_name"] == "Lefèvre"
    assert body["children"][0]["commune"]["insee_code"] == "92040"
    assert body["children"][0]["comment"] == "Commentaire sensible"
    assert body["reporter"]["identity"] == "Mme Voisine"  # the CRIP may see the reporter
    entry = JournalEntry.objects.filter(action="childprotection.file_read").latest("id")
    assert entry.object_id == str(north.pk) and entry.details["what"] == "api"
    # the agent of the territory reads the file but not the reporter's identity
    body = cp_client("north").get(url).json()
    assert body["reporter"] is None and body["number"] == north.number
    assert JournalEntry.objects.filter(action="childprotection.file_read").count() == before + 2
    # out of scope and absent look the same, and nothing is journaled
    for who, pk in (("south", north.pk), ("crip", 999_999)):
        response = cp_client(who).get(f"{FILES}{pk}/")
        assert response.status_code == 404
        assert "Nord secret" not in response.content.decode()
    assert JournalEntry.objects.filter(action="childprotection.file_read").count() == before + 2


def test_deleted_file_is_gone_and_break_glass_opens(data, cp_client):
    north, south = data["north_file"], data["south_file"]
    BreakGlass.objects.create(
        user=data["users"]["south"],
        file=north,
        reason="Urgence signalée par le 119 hors horaires",
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    assert cp_client("south").get(f"{FILES}{north.pk}/").status_code == 200
    entry = JournalEntry.objects.filter(action="childprotection.file_read").latest("id")
    assert entry.details["break_glass"] is True
    south.deleted_at = timezone.now()
    south.save()
    assert cp_client("crip").get(f"{FILES}{south.pk}/").status_code == 404
    assert south.number not in numbers(cp_client("crip").get(FILES))


@pytest.mark.parametrize(
    "params",
    [
        {"birth_date": "14/05/2019x"},
        {"commune": "abc"},
        {"territory": "99999999999999999999999"},
        {"territory": "-1"},
        {"status": "bogus"},
        {"received_from": "2026-13-45"},
        {"name": "x" * 500},
    ],
)
def test_bad_criteria_answer_400(data, cp_client, params):
    response = cp_client("crip").get(FILES, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_an_agent_cannot_filter_on_another_territory(data, cp_client):
    response = cp_client("north").get(FILES, {"territory": data["south"].pk})
    assert response.status_code == 400


def export(client, code, **params):
    return client.get(reverse("exports:export"), {"exporter": code, "format": "csv", **params})


def rows(response):
    assert response.status_code == 200, response.content
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_exports_keep_to_scope_and_are_journaled(data, cp_client):
    north, south = data["north_file"].number, data["south_file"].number
    got = rows(export(cp_client("north"), "childprotection.files"))
    assert [r["Number"] for r in got] == [north]
    assert got[0]["Children"] == "1"
    got = rows(export(cp_client("crip"), "childprotection.children"))
    assert sorted(r["Usual name"] for r in got) == ["Dupont", "Lefèvre"]
    lefevre = next(r for r in got if r["Usual name"] == "Lefèvre")
    assert lefevre["INSEE code"] == "92040" and lefevre["File"] == north
    assert "Commentaire sensible" not in str(got)  # free texts are never exported
    got = rows(export(cp_client("south"), "childprotection.children", name="lefevre"))
    assert got == []
    got = rows(export(cp_client("crip"), "childprotection.files", name="dupont"))
    assert [r["Number"] for r in got] == [south]
    entry = JournalEntry.objects.filter(action="childprotection.files_exported").latest("id")
    assert entry.details["exporter"] == "childprotection.files"
    assert entry.details["filters"] == {"name": "dupont"}


def test_export_refuses_bad_filters_and_the_dpo(data, cp_client):
    assert export(cp_client("crip"), "childprotection.files", territory="x").status_code == 400
    bad = export(cp_client("crip"), "childprotection.children", birth_date="2019-99-99")
    assert bad.status_code == 400
    assert export(cp_client("dpo"), "childprotection.files").status_code == 403
