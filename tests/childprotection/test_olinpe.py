"""OLINPE file: pseudonym stability, NUMANONYMANT continuity, quality report."""

import csv
import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from civitas.childprotection.models import Child, DangerType, File, Source
from civitas.childprotection.services import olinpe


def test_pseudonym_is_stable_normalised_and_keyed(settings):
    a = olinpe.hmac_pseudonym("Zoé-Marie", 5, 2019, "Le Guën")
    # a compound first name is one name; only the first given name counts
    assert a == olinpe.hmac_pseudonym(" zoe-MARIE Anne", 5, 2019, "leguen")
    assert a != olinpe.hmac_pseudonym("Zoé Marie", 5, 2019, "Le Guën")
    assert len(a) == 64 and "ZOE" not in a
    assert a != olinpe.hmac_pseudonym("Zoé", 6, 2019, "Le Guën")
    settings.CIVITAS_OLINPE_KEY = "another key"
    assert a != olinpe.hmac_pseudonym("Zoé-Marie", 5, 2019, "Le Guën")


def custom_pseudonym(first, month, year, mother):
    return f"X{year}{month:02d}"


def read_rows(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def make_child(territory, received, **kw):
    file = File.objects.create(
        number=f"IP-{received.year}-{File.objects.count() + 1:06d}",
        received_at=timezone.make_aware(received),
        territory=territory,
        source=Source.objects.get(code="EN"),
    )
    data = {
        "last_name": "Lefèvre",
        "first_name": "Zoé",
        "sex": "F",
        "birth_date": dt.date(2019, 5, 14),
        "mother_birth_name": "Martin",
    }
    data.update(kw)
    child = Child.objects.create(file=file, **data)
    child.danger_types.add(DangerType.objects.get(code="NEGL"))
    return child


def test_file_quality_report_and_continuity(cp, tmp_path, settings):
    c2025 = make_child(cp["north"], dt.datetime(2025, 4, 1, 9))
    call_command("childprotection_olinpe", year=2025, out=str(tmp_path / "a"))
    rows = read_rows(tmp_path / "a" / "olinpe_92_2025.csv")
    assert len(rows) == 1
    first = rows[0]
    assert first["NUMDEP"] == "92" and first["SEXE"] == "2"
    assert first["ANAIS"] == "2019" and first["MNAIS"] == "05" and first["NUMANONYMANT"] == ""
    assert first["MOTIP"] == "NEGL" and first["ORIGIP"] == "EN"
    assert "Zo" not in (tmp_path / "a" / "olinpe_92_2025.csv").read_text()

    # next year: the same child again, linked to the earlier file, plus an incomplete child;
    # meanwhile the pseudonym procedure changed: NUMANONYMANT still gives last year's id
    settings.CIVITAS_OLINPE_PSEUDONYM = "tests.childprotection.test_olinpe.custom_pseudonym"
    again = make_child(cp["north"], dt.datetime(2026, 2, 1, 9), previous_file=c2025.file)
    # same child record across years (a file still followed in 2026): also keeps its id
    incomplete = make_child(
        cp["south"],
        dt.datetime(2026, 2, 3, 9),
        mother_birth_name="",
        sex="U",
        birth_date=dt.date(2027, 1, 1),
    )
    call_command("childprotection_olinpe", year=2026, out=str(tmp_path / "b"))
    rows = read_rows(tmp_path / "b" / "olinpe_92_2026.csv")
    by_date = {r["DATEV"]: r for r in rows}
    assert by_date["20260201"]["NUMANONYM"] == "X201905"
    assert by_date["20260201"]["NUMANONYMANT"] == first["NUMANONYM"]
    assert by_date["20260203"]["NUMANONYM"] == ""
    report = read_rows(tmp_path / "b" / "olinpe_92_2026_qualite.csv")
    mine = [r for r in report if r["enfant"] == str(incomplete.pk)]
    messages = " | ".join(r["probleme"] for r in mine)
    assert "nom de naissance de la mère manquant" in messages
    assert "sexe inconnu" in messages
    assert "naissance après la réception" in messages
    assert not [r for r in report if r["enfant"] == str(again.pk) and r["variable"] == "SEXE"]
