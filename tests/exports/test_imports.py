import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civitas.core.exports import importing
from civitas.core.exports.importers import UnitImporter, UserImporter
from civitas.core.exports.models import ImportBatch
from civitas.core.models import JournalEntry, Unit, User

# --- Reading files (no database) --------------------------------------------------------


def test_decode_utf8_with_and_without_bom_and_cp1252():
    text = "Nom;Type\nÉcole élémentaire;établissement\n"
    assert importing.decode(b"\xef\xbb\xbf" + text.encode()) == (text, "utf-8-sig")
    assert importing.decode(text.encode()) == (text, "utf-8")
    assert importing.decode(text.encode("cp1252")) == (text, "cp1252")
    # œ and € exist in Windows-1252, not in Latin-1
    assert importing.decode("Cœur;10 €".encode("cp1252"))[0] == "Cœur;10 €"


@pytest.mark.parametrize(
    "data",
    [b"Nom\n\x81\x8d\x8f", b"\x00\x01\x02binary", b"\xef\xbb\xbfNom\n\xff\xfe\xfa"],
)
def test_undecodable_files_are_refused(data):
    with pytest.raises(importing.ImportFileError):
        importing.read_csv(data)


@pytest.mark.parametrize("delim", [";", ",", "\t"])
def test_separator_detection(delim):
    text = delim.join(["Nom", "Type", "Unité parente"]) + "\n"
    text += delim.join(['"Service, culture; sport"', "service", ""]) + "\n"
    table = importing.read_csv(text.encode())
    assert table.delimiter == delim
    assert table.headers == ["Nom", "Type", "Unité parente"]
    assert table.rows == [(2, ["Service, culture; sport", "service", ""])]


def test_line_numbers_follow_the_file_with_multiline_values():
    text = 'Nom;Type\n"Sur\ndeux lignes";service\n\nSuivant;service\n'
    table = importing.read_csv(text.encode())
    assert [line for line, _v in table.rows] == [2, 5]


def test_corrupt_xlsx_and_xls_refused():
    with pytest.raises(importing.ImportFileError, match="damaged"):
        importing.read_table(b"PK\x03\x04garbage" * 10, "units.xlsx")
    with pytest.raises(importing.ImportFileError, match=r"\.xls"):
        importing.read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, "units.xls")
    with pytest.raises(importing.ImportFileError, match="not an Excel"):
        importing.read_table(b"Nom;Type\n", "units.xlsx")
    with pytest.raises(importing.ImportFileError, match="CSV"):
        importing.read_table(b"%PDF-1.7", "units.pdf")


def test_size_limit(settings):
    settings.CIVITAS_IMPORT_MAX_BYTES = 10
    with pytest.raises(importing.ImportFileError, match="too large"):
        importing.read_table(b"Nom\n" + b"x" * 20, "a.csv")


def test_auto_mapping_by_normalised_labels():
    mapping = importing.auto_mapping(UserImporter(), ["Téléphone", "COURRIEL ", "Nom complet"])
    assert mapping == {"email": 1, "full_name": 2, "phone": 0}
    mapping = importing.auto_mapping(UnitImporter(), ["Unité parente", "Nom", "Autre"])
    assert mapping == {"name": 1, "kind": None, "parent": 0}


# --- Dry run and commit -----------------------------------------------------------------

UNITS_CSV = (
    "Nom;Type;Unité parente\n"
    "Pôle Solidarités;service;Direction générale\n"
    "Antenne Cœur de ville;Établissement;Pôle Solidarités\n"
    "Maison de l'enfance;territoire;\n"
)


@pytest.mark.django_db
def test_units_run_dry_then_commit(unit_tree, users):
    importer = UnitImporter()
    table = importing.read_csv(UNITS_CSV.encode("cp1252"))
    mapping = importing.auto_mapping(importer, table.headers)
    before = Unit.objects.count()
    report = importing.run(importer, table, mapping, users["principal"], commit=False)
    assert report.as_dict()["rejected"] == 0 and report.accepted == 3
    assert Unit.objects.count() == before  # dry run wrote nothing
    report = importing.run(importer, table, mapping, users["principal"], commit=True)
    assert report.committed
    antenna = Unit.objects.get(name="Antenne Cœur de ville")
    assert antenna.kind == "establishment"
    assert antenna.parent.name == "Pôle Solidarités"
    assert antenna.parent.parent == unit_tree["root"]


@pytest.mark.django_db
def test_one_bad_row_means_nothing_is_written(unit_tree, users):
    text = UNITS_CSV + "Service X;planète;\n;service;\nService Y;service;Inconnue\n"
    importer = UnitImporter()
    table = importing.read_csv(text.encode())
    mapping = importing.auto_mapping(importer, table.headers)
    before = set(Unit.objects.values_list("pk", flat=True))
    report = importing.run(importer, table, mapping, users["principal"], commit=True)
    assert not report.committed
    assert set(Unit.objects.values_list("pk", flat=True)) == before
    errors = report.as_dict()["errors"]
    assert [(e["line"], e["column"], e["value"]) for e in errors] == [
        (5, "Type", "planète"),
        (6, "Nom", ""),
        (7, "Unité parente", "Inconnue"),
    ]
    assert "Unknown kind" in errors[0]["reason"] or "inconnu" in errors[0]["reason"].lower()
    assert errors[2]["field"] == "Parent unit" or errors[2]["field"]
    assert report.as_dict()["rejected"] == 3


@pytest.mark.django_db
def test_duplicate_within_file_is_caught_at_save_time(users, unit_tree):
    text = "Nom;Unité parente\nBureau A;Territoire Nord\nBureau A;Territoire Nord\n"
    importer = UnitImporter()
    table = importing.read_csv(text.encode())
    report = importing.run(
        importer,
        table,
        importing.auto_mapping(importer, table.headers),
        users["principal"],
        commit=True,
    )
    assert not report.committed
    assert [e["line"] for e in report.errors] == [3]
    assert not Unit.objects.filter(name="Bureau A").exists()


@pytest.mark.django_db
def test_missing_required_mapping_is_refused(users):
    importer = UserImporter()
    table = importing.read_csv(b"Nom,Tel\nA,1\n")
    with pytest.raises(importing.ImportFileError, match="E-mail"):
        importing.run(
            importer,
            table,
            importing.auto_mapping(importer, table.headers),
            users["principal"],
            commit=False,
        )


# --- Through the screens ----------------------------------------------------------------


def upload(client, importer, name, data):
    return client.post(
        reverse("exports:import_upload"),
        {"importer": importer, "file": SimpleUploadedFile(name, data)},
    )


@pytest.mark.django_db
def test_users_import_screens_with_xlsx(client_for, users, media_root):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Adresse e-mail", "Nom et prénom", "Portable", "Remarque"])
    ws.append(["Anne.Martin@Example.org", "Anne Martin", "06 12 34 56 78", "x"])
    ws.append(["jean.leroy@example.org", "Jean Le Roy", None, ""])
    buf = io.BytesIO()
    wb.save(buf)
    c = client_for("principal")
    response = upload(c, "core.users", "agents.xlsx", buf.getvalue())
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.get()
    # the file is kept in MEDIA_ROOT between steps
    stored = Path(batch.file.path)
    assert stored.exists() and str(stored).startswith(str(media_root))
    assert batch.mapping == {"email": 0, "full_name": 1, "phone": 2}

    page = c.get(response["Location"]).content.decode()
    assert "Adresse e-mail" in page and "Check the file" in page or "Vérifier" in page

    # the user changes the mapping: no phone
    response = c.post(response["Location"], {"email": "0", "full_name": "1", "phone": ""})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "checked" and batch.report["accepted"] == 2
    assert not User.objects.filter(email="anne.martin@example.org").exists()

    response = c.post(reverse("exports:import_commit", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "committed"
    anne = User.objects.get(email="anne.martin@example.org")
    assert anne.full_name == "Anne Martin" and anne.phone == ""
    assert not anne.has_usable_password()
    assert not stored.exists()  # file removed once imported
    entry = JournalEntry.objects.get(action="import.core.users")
    assert entry.details["imported"] == 2 and entry.details["committed"] is True
    assert JournalEntry.objects.filter(action="admin.user_created").count() == 2


@pytest.mark.django_db
def test_dry_run_report_on_screen_and_commit_refused(client_for, users):
    data = (
        "Courriel;Nom\n"
        "ok@example.org;Valide\n"
        "pas-une-adresse;Invalide\n"
        "participant@example.org;Existe déjà\n"
    ).encode("cp1252")
    c = client_for("principal")
    response = upload(c, "core.users", "agents.csv", data)
    batch = ImportBatch.objects.get()
    assert batch.encoding == "cp1252" and batch.delimiter == ";"
    response = c.post(response["Location"], {"email": "0", "full_name": "1", "phone": ""})
    page = c.get(response["Location"]).content.decode()
    assert "pas-une-adresse" in page
    assert "participant@example.org" in page
    batch.refresh_from_db()
    assert batch.report["rejected"] == 2
    lines = [(e["line"], e["column"]) for e in batch.report["errors"]]
    assert lines == [(3, "Courriel"), (4, "Courriel")]
    # committing anyway writes nothing
    c.post(reverse("exports:import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "checked"
    assert not User.objects.filter(email="ok@example.org").exists()
    assert JournalEntry.objects.get(action="import.core.users").details["committed"] is False


@pytest.mark.django_db
def test_bad_files_refused_with_message_on_upload(client_for, users):
    c = client_for("principal")
    response = upload(c, "core.units", "units.xlsx", b"PK\x03\x04" + b"\x00" * 200)
    assert response.status_code == 200
    assert "damaged" in response.content.decode() or "endommag" in response.content.decode()
    response = upload(c, "core.units", "units.csv", b"Nom\n\x81\x8d\x90\x9d")
    assert "encoding" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_import_permissions_and_ownership(client_for, users):
    assert (
        client_for("secondary")
        .get(reverse("exports:import_upload"), {"importer": "core.units"})
        .status_code
        == 403
    )
    response = upload(client_for("principal"), "core.units", "u.csv", b"Nom\nA\n")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    # another back-office user cannot see it
    assert (
        client_for("secondary").get(reverse("exports:import_batch", args=[batch.pk])).status_code
        == 404
    )
    assert client_for("participant").get(reverse("exports:imports")).status_code == 403


@pytest.mark.django_db
def test_row_failing_only_at_commit_time_rolls_everything_back(client_for, users):
    data = "\ufeffE-mail,Nom\nun@example.org,Un\ndeux@example.org,Deux\n".encode()
    c = client_for("principal")
    response = upload(c, "core.users", "agents.csv", data)
    batch = ImportBatch.objects.get()
    assert (batch.encoding, batch.delimiter) == ("utf-8-sig", ",")
    c.post(response["Location"], {"email": "0", "full_name": "1", "phone": ""})
    batch.refresh_from_db()
    assert batch.report["rejected"] == 0
    # meanwhile someone creates the second account by hand
    User.objects.create_user("deux@example.org")
    c.post(reverse("exports:import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == "checked"
    assert batch.report["errors"][0]["line"] == 3
    assert not User.objects.filter(email="un@example.org").exists()
    assert Path(batch.file.path).exists()  # the file is kept for another try
