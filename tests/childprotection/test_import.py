"""Access import: dry run, all-or-nothing with a report of rejected rows, idempotent."""

import io

import pytest
from django.core.management import CommandError, call_command

from civitas.childprotection.models import Child, File
from civitas.childprotection.services import importer

HEADER = (
    "ancien_id;date_reception;territoire;type_dossier;canal;origine;danger_grave;sip;"
    "violence_conjugale;numero_snated;statut;expose;enfant_nom;enfant_prenom;enfant_sexe;"
    "enfant_naissance;mere_nom_naissance;commune_insee;code_postal;numero;voie;motifs;"
    "conclusion;date_conclusion"
)
GOOD = [
    "A-17;12/01/2021 09:30;Territoire Nord;IP;TEL;EN;0;0;-1;;clos;Exposé ancien;Lefèvre;Zoé;F;"
    "14/05/2015;Martin;92040;92130;3;rue Victor-Hugo;NEGL,VPSY;AED;20/03/2021",
    "A-17;12/01/2021 09:30;Territoire Nord;IP;TEL;EN;0;0;-1;;clos;Exposé ancien;Lefèvre;Hugo;M;"
    "02/02/2018;Martin;92040;92130;3;rue Victor-Hugo;NEGL;AED;20/03/2021",
    "A-18;2022-06-01 14:00;Territoire Sud;;COU;PART;oui;non;non;119-55;en cours;;Benali;Inès;F;"
    "2010-09-09;;92048;92360;;;SANTE;;",
]
BAD = (
    "A-19;31/02/2022;Territoire Ouest;IP;FAX;EN;peut-être;0;0;;clos;;Durand;;X;01/01/2090;;"
    "99999;;;;INCONNU;;"
)


def csv_text(*rows):
    return "\n".join([HEADER, *rows]) + "\n"


def test_good_file_imports_and_reimport_is_idempotent(cp):
    before = File.objects.count()
    report = importer.run(csv_text(*GOOD))
    assert report.rejected == [] and report.written
    assert (report.files_created, report.children_created) == (2, 3)
    file = File.objects.get(legacy_id="A-17")
    assert file.territory == cp["north"] and file.domestic_violence and file.status == "closed"
    assert file.summary == "Exposé ancien"
    assert sorted(file.children.values_list("first_name", flat=True)) == ["Hugo", "Zoé"]
    zoe = file.children.get(first_name="Zoé")
    assert zoe.commune.name == "Issy-les-Moulineaux"
    assert sorted(zoe.danger_types.values_list("code", flat=True)) == ["NEGL", "VPSY"]
    again = importer.run(csv_text(*GOOD))
    assert (again.files_created, again.children_created, again.skipped_files) == (0, 0, 2)
    assert File.objects.count() == before + 2


def test_one_bad_row_rejects_everything_with_reasons(cp):
    report = importer.run(csv_text(*GOOD, BAD))
    assert not report.written and report.files_created == 0
    assert not File.objects.filter(legacy_id__startswith="A-").exists()
    assert len(report.rejected) == 1
    line, legacy, reasons = report.rejected[0]
    assert (line, legacy) == (5, "A-19")
    text = " | ".join(reasons)
    for expected in [
        "enfant_prenom manquant",
        "date_reception illisible",
        "territoire inconnu",
        "canal inconnu : FAX",
        "danger_grave",
        "enfant_sexe",
        "enfant_naissance dans le futur",
        "commune inconnue",
        "motif inconnu : INCONNU",
    ]:
        assert expected in text, expected
    out = io.StringIO()
    importer.write_report(report, out)
    assert "A-19" in out.getvalue()


def test_command_dry_run_and_report(cp, tmp_path):
    path = tmp_path / "access.csv"
    path.write_text(csv_text(*GOOD), encoding="utf-8-sig")
    call_command("childprotection_import", str(path), dry_run=True)
    assert not Child.objects.filter(file__legacy_id="A-17").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(*GOOD, BAD), encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("childprotection_import", str(bad), report=str(tmp_path / "r.csv"))
    assert "A-19" in (tmp_path / "r.csv").read_text()
    call_command("childprotection_import", str(path))
    assert Child.objects.filter(file__legacy_id="A-17").count() == 2


def test_import_communes_official_file(cp, tmp_path):
    from civitas.childprotection.models import Commune

    path = tmp_path / "laposte.csv"
    path.write_text(
        "#Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libellé_d_acheminement;Ligne_5\n"
        "67482;STRASBOURG;67000;STRASBOURG;\n67482;STRASBOURG;67100;STRASBOURG;\n"
        "68224;MULHOUSE;68100;MULHOUSE;\n92040;ISSY-LES-MOULINEAUX;92130;ISSY;\n",
        encoding="latin-1",
    )
    call_command("childprotection_import_communes", str(path), department="67")
    assert Commune.objects.filter(insee_code="67482").count() == 2
    assert not Commune.objects.filter(insee_code="68224").exists()
    call_command("childprotection_import_communes", str(path), department="67")
    assert Commune.objects.filter(insee_code="67482").count() == 2
