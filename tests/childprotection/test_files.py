"""Recording a file: two children, reporter, encryption at rest, known child, parameters."""

import datetime as dt

from django.db import connection
from django.urls import reverse

from civitas.childprotection.models import Channel, Child, Commune, File, Reporter
from civitas.childprotection.services import files


def form_data(territory, **extra):
    data = {
        "file-received_at": "2026-03-02T10:00",
        "file-territory": territory.pk,
        "file-channel": Channel.objects.get(code="TEL").pk,
        "file-status": "open",
        "file-summary": "Zoé arrive à l'école avec des bleus",
        "file-cema_observation": "Observation confidentielle",
        "children-TOTAL_FORMS": "3",
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "1",
        "children-MAX_NUM_FORMS": "1000",
        "children-0-sex": "F",
        "children-0-last_name": "Lefèvre",
        "children-0-first_name": "Zoé",
        "children-0-birth_date": "2019-05-14",
        "children-0-mother_birth_name": "Martin",
        "children-0-commune": Commune.objects.get(insee_code="92040").pk,
        "children-0-comment": "Commentaire sensible",
        "children-1-sex": "M",
        "children-1-last_name": "Lefèvre",
        "children-1-first_name": "Hugo",
        "children-1-birth_date": "2025-10-01",
        "children-2-sex": "U",
        "reporter-identity": "Mme Durand, directrice d'école",
        "reporter-professional": "on",
    }
    data.update(extra)
    return data


def raw(table, column, pk):
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cur.fetchone()[0]


def test_agent_records_a_file_with_two_children(cp, cp_client):
    client = cp_client("north")
    r = client.post(reverse("childprotection:file_new"), form_data(cp["north"]))
    assert r.status_code == 302, r.content.decode()[:3000]
    file = File.objects.exclude(pk__in=[cp["north_file"].pk, cp["south_file"].pk]).get()
    assert r["Location"] == file.get_absolute_url()
    assert file.number.startswith("IP-2026-")
    assert [c.first_name for c in file.children.order_by("birth_date")] == ["Zoé", "Hugo"]
    # Hugo is under two: the evaluation is due sooner than three months
    assert file.evaluation_due < dt.date(2026, 6, 2)
    # encryption at rest: the raw columns hold no clear text
    for table, column, pk, clear in [
        ("childprotection_file", "summary", file.pk, "bleus"),
        ("childprotection_file", "cema_observation", file.pk, "confidentielle"),
        ("childprotection_child", "comment", file.children.get(first_name="Zoé").pk, "sensible"),
        ("childprotection_reporter", "identity", file.reporter.pk, "Durand"),
    ]:
        stored = raw(table, column, pk)
        assert stored.startswith("e1:") and clear not in stored
    assert file.summary == "Zoé arrive à l'école avec des bleus"
    # the change trail keeps no clear text either
    from auditlog.models import LogEntry

    assert not any("bleus" in str(e.changes) for e in LogEntry.objects.all())


def test_bad_input_keeps_what_was_typed(cp, cp_client):
    data = form_data(cp["north"], **{"children-0-birth_date": "2099-01-01"})
    r = cp_client("north", lang="en").post(reverse("childprotection:file_new"), data)
    assert r.status_code == 200
    body = r.content.decode()
    assert "cannot be in the future" in body
    assert "Lefèvre" in body and "2099-01-01" in body


def test_agent_cannot_record_in_another_territory(cp, cp_client):
    r = cp_client("north").post(reverse("childprotection:file_new"), form_data(cp["south"]))
    assert r.status_code == 200
    assert not File.objects.filter(territory=cp["south"]).exclude(pk=cp["south_file"].pk)


def test_known_child_is_proposed_with_earlier_files_in_scope_only(cp, cp_client):
    Child.objects.create(
        file=cp["north_file"],
        last_name="LEFEVRE",
        first_name="zoe",
        birth_date=dt.date(2019, 5, 14),
    )
    Child.objects.create(
        file=cp["south_file"],
        last_name="Lefèvre",
        first_name="Zoé",
        birth_date=dt.date(2019, 5, 14),
    )
    url = reverse("childprotection:known_children")
    params = "?prefix=c&c-last_name=Lefèvre&c-first_name=Zoé&c-birth_date=2019-05-14"
    body = cp_client("north").get(url + params).content.decode()
    assert cp["north_file"].number in body
    assert cp["south_file"].number not in body  # need to know
    body = cp_client("crip").get(url + params).content.decode()
    assert cp["north_file"].number in body and cp["south_file"].number in body


def test_search_without_accents_and_by_criteria(cp):
    Child.objects.create(
        file=cp["north_file"],
        last_name="Lefèvre",
        first_name="Zoé",
        birth_date=dt.date(2019, 5, 14),
    )
    crip = cp["users"]["crip"]
    assert list(files.search(crip, name="lefevre zoe")) == [cp["north_file"]]
    assert list(files.search(crip, birth_date=dt.date(2019, 5, 14))) == [cp["north_file"]]
    assert list(files.search(crip, territory=cp["south"])) == [cp["south_file"]]
    assert not files.search(cp["users"]["south"], name="lefevre")


def test_retired_value_stays_readable_but_cannot_be_chosen(cp, cp_client):
    letter = Channel.objects.get(code="COU")
    cp["north_file"].channel = letter
    cp["north_file"].save()
    letter.valid_until = dt.date(2020, 1, 1)
    letter.save()
    from civitas.childprotection.forms import FileForm

    assert letter not in FileForm().fields["channel"].queryset
    assert letter in FileForm(instance=cp["north_file"]).fields["channel"].queryset
    r = cp_client("north").post(
        reverse("childprotection:file_new"),
        form_data(cp["north"], **{"file-channel": letter.pk}),
    )
    assert r.status_code == 200  # refused on a new file


def test_reporter_identity_only_for_those_entitled(cp, cp_client):
    Reporter.objects.create(file=cp["north_file"], identity="M. Secret Voisin")
    url = reverse("childprotection:file_detail", kwargs={"pk": cp["north_file"].pk})
    assert "Secret Voisin" not in cp_client("north").get(url).content.decode()
    assert "Secret Voisin" in cp_client("crip").get(url).content.decode()


def test_new_forms_propose_today(cp):
    from django.utils import timezone

    from civitas.childprotection.forms import AssignmentForm, FileForm
    from civitas.childprotection.models import Assignment

    form = AssignmentForm(instance=Assignment(file=cp["north_file"]))
    assert form.initial["assigned_on"] == timezone.localdate()
    assert 'value="' + timezone.localdate().isoformat() + '"' in str(form["assigned_on"])
    assert FileForm().initial["received_at"] is not None
