"""Reversibility: the archive holds every model and every row of the database."""

import csv
import hashlib
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from civitas.core.gdpr.reversibility import exported_models, file_name
from civitas.core.models import JobProgress, JournalEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    root = tmp_path / "media"
    (root / "documents").mkdir(parents=True)
    (root / "documents" / "convocation.pdf").write_bytes(b"%PDF-1.4 test")
    (root / "jobs").mkdir()
    (root / "jobs" / "old-archive.zip").write_bytes(b"PK")
    settings.MEDIA_ROOT = str(root)
    return root


def snapshot():
    """{model label: sorted primary keys as strings} for every exported model."""
    return {
        m._meta.label_lower: sorted(str(pk) for pk in m._base_manager.values_list("pk", flat=True))
        for m in exported_models()
    }


def check_archive(root, models, expected):
    manifest = json.loads((root / "manifest.json").read_text())
    schema = json.loads((root / "schema.json").read_text())
    described = {t["model"]: t for t in schema["tables"]}
    problems = []
    for model in models:
        label = model._meta.label_lower
        csv_path = root / "tables" / f"{file_name(model)}.csv"
        json_path = root / "tables" / f"{file_name(model)}.json"
        pks = expected[label]
        if not csv_path.exists() or not json_path.exists():
            problems.append(f"{label}: files missing")
            continue
        pk_name = model._meta.pk.attname
        rows = json.loads(json_path.read_text())
        with csv_path.open(encoding="utf-8", newline="") as fh:
            csv_rows = list(csv.DictReader(fh))
        if sorted(str(r[pk_name]) for r in rows) != pks:
            problems.append(f"{label}: JSON ids differ from the database")
        if sorted(r[pk_name] for r in csv_rows) != pks:
            problems.append(f"{label}: CSV ids differ from the database")
        if manifest["tables"].get(label, {}).get("rows") != len(pks):
            problems.append(f"{label}: manifest count wrong")
        if label not in described:
            problems.append(f"{label}: not described in schema.json")
        for rel, digest in manifest["tables"].get(label, {}).get("files", {}).items():
            if hashlib.sha256((root / rel).read_bytes()).hexdigest() != digest:
                problems.append(f"{rel}: checksum mismatch")
    return manifest, described, problems


def test_export_all_contains_every_model_and_row(person, users, media, tmp_path):
    from civitas.core.gdpr.models import RetentionRule

    RetentionRule.objects.create(category="connection", days=30, enabled=True)
    target = tmp_path / "archive"
    expected = snapshot()  # the command journals the export once it is written
    call_command("export_all", str(target))
    models = exported_models()
    labels = {m._meta.label_lower for m in models}
    # the auto-created many-to-many tables and third-party tables are there too
    assert {"core.user", "core.user_groups", "axes.accesslog", "gdpr.retentionrule"} <= labels
    manifest, described, problems = check_archive(target, models, expected)
    assert not problems, "\n".join(problems)
    assert set(manifest["tables"]) == labels
    # the data is really there (not only the counts)
    users_json = json.loads((target / "tables" / "core.user.json").read_text())
    assert "jeanne.martin@example.org" in {u["email"] for u in users_json}
    # foreign keys as ids, described with their target
    user_col = {c["name"]: c for c in described["core.roleassignment"]["columns"]}["user_id"]
    assert user_col["references"] == "core_user.id"
    assert described["core.user"]["columns"][0]["verbose_name"]
    assert "core_user" in (target / "schema.md").read_text()
    # documents copied, job results (earlier archives) left out
    assert (target / "documents" / "documents" / "convocation.pdf").read_bytes() == b"%PDF-1.4 test"
    assert "documents/documents/convocation.pdf" in manifest["documents"]
    assert not (target / "documents" / "jobs").exists()
    assert manifest["civitas_version"]
    assert JournalEntry.objects.filter(action="gdpr.export_all").exists()


def test_export_all_refuses_a_non_empty_directory(db, tmp_path):
    (tmp_path / "x").write_text("keep me")
    with pytest.raises(CommandError):
        call_command("export_all", str(tmp_path))
    assert (tmp_path / "x").read_text() == "keep me"


def test_backoffice_export_all_archive(users, client_for, media, tmp_path):
    client = client_for("principal")
    assert client.get(reverse("gdpr:export_all")).status_code == 200
    expected = snapshot()
    with override_settings(MEDIA_ROOT=str(media)):
        response = client.post(reverse("gdpr:export_all"))
    assert response.status_code == 302
    job = JobProgress.objects.get(kind="gdpr.export_all")
    assert job.status == JobProgress.Status.DONE, job.message
    out = tmp_path / "unzipped"
    with job.result_file.open("rb") as fh, zipfile.ZipFile(fh) as zf:
        zf.extractall(out)
    # rows the view wrote before the export started: the job and the request's journal entry
    expected["core.jobprogress"] = sorted([*expected["core.jobprogress"], str(job.pk)])
    requested = JournalEntry.objects.get(action="gdpr.export_all_requested")
    expected["core.journalentry"] = sorted([*expected["core.journalentry"], str(requested.pk)])
    _manifest, _described, problems = check_archive(out, exported_models(), expected)
    assert not problems, "\n".join(problems)
    assert client_for("secondary").post(reverse("gdpr:export_all")).status_code == 403
