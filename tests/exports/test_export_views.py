import csv
import io
import json

import openpyxl
import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from lxml import etree

from civitas.core import journal
from civitas.core.exports.writers import XSD_PATH
from civitas.core.models import JobProgress, JournalEntry

pytestmark = pytest.mark.django_db

URL = reverse("exports:export")


def body(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def make_entries(n, actor_repr="Agnès Dupont"):
    for i in range(n):
        journal.record(
            "test.action",
            details={"i": i},
            object_repr=f"Dossier n°{i}; «urgent»\nsuite",
            object_type="tests.thing",
            object_id=str(i),
        )
    JournalEntry.objects.filter(action="test.action").update(actor_repr=actor_repr)


def test_journal_csv_with_filters_and_journaled(client_for):
    make_entries(3)
    journal.record("other.action", object_repr="Ignoré")
    c = client_for("secondary")
    response = c.get(URL, {"exporter": "core.journal", "format": "csv", "action": "test.action"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="core-journal-')
    rows = list(
        csv.reader(io.StringIO(body(response).decode("utf-8-sig"), newline=""), delimiter=";")
    )
    assert len(rows[0]) == 11  # header line (labels follow the user's language)
    assert len(rows) == 4
    assert {r[4] for r in rows[1:]} == {"test.action"}
    assert rows[1][7] == "Dossier n°0; «urgent»\nsuite"
    assert rows[1][2] == "Agnès Dupont"
    entry = JournalEntry.objects.filter(action="export.core.journal").get()
    assert entry.actor_repr == "secondary@example.org"
    assert entry.details == {
        "exporter": "core.journal",
        "format": "csv",
        "filters": {"action": "test.action"},
        "rows": 3,
    }


@pytest.mark.parametrize("fmt", ["xlsx", "xml", "json"])
def test_journal_other_formats_parse(client_for, fmt):
    make_entries(2)
    response = client_for("principal").get(
        URL, {"exporter": "core.journal", "format": fmt, "action": "test.action"}
    )
    assert response.status_code == 200
    data = body(response)
    if fmt == "xlsx":
        rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
        assert len(rows) == 3
        assert rows[1][7] == "Dossier n°0; «urgent»\nsuite"
    elif fmt == "xml":
        doc = etree.fromstring(data)
        etree.XMLSchema(etree.parse(str(XSD_PATH))).assertValid(doc)
        assert len(doc.findall("{*}rows/{*}row")) == 2
    else:
        items = json.loads(data)
        assert [i["object"] for i in items] == [
            "Dossier n°0; «urgent»\nsuite",
            "Dossier n°1; «urgent»\nsuite",
        ]
        assert items[0]["details"] == {"i": 0}


def test_users_export_with_roles(client_for, users):
    response = client_for("principal").get(URL, {"exporter": "core.users", "format": "json"})
    items = {i["email"]: i for i in json.loads(body(response))}
    assert set(items) == {
        "participant@example.org",
        "secondary@example.org",
        "principal@example.org",
    }
    assert "Gestionnaire (journal)" in items["secondary@example.org"]["roles"]
    assert items["participant@example.org"]["roles"] == ""


def test_login_journal_export(client_for):
    from civitas.core.models import LoginEvent

    LoginEvent.objects.create(kind="failure", identifier="=cmd|' /C calc'!A0", ip="192.0.2.1")
    response = client_for("principal").get(
        URL, {"exporter": "core.login_journal", "format": "csv", "kind": "failure"}
    )
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig")), delimiter=";"))
    assert rows[1][2] == "'=cmd|' /C calc'!A0"


def test_exporter_permission_is_enforced(client_for):
    # secondary may read the journal but not export users
    assert client_for("secondary").get(URL, {"exporter": "core.users"}).status_code == 403
    assert client_for("participant").get(URL, {"exporter": "core.journal"}).status_code == 403
    assert client_for("principal").get(URL, {"exporter": "nope"}).status_code == 404
    assert (
        client_for("principal").get(URL, {"exporter": "core.journal", "format": "pdf"}).status_code
        == 404
    )
    assert not JournalEntry.objects.filter(action__startswith="export.").exists()


def test_large_export_runs_in_background(client_for, settings, users):
    settings.CIVITAS_EXPORT_BACKGROUND_THRESHOLD = 3
    make_entries(5)
    response = client_for("secondary").get(
        URL, {"exporter": "core.journal", "format": "xlsx", "action": "test"}
    )
    assert response.status_code == 200
    assert b"job-progress" in response.content
    job = JobProgress.objects.get(owner=users["secondary"])
    assert job.status == JobProgress.Status.DONE  # ImmediateBackend ran the task
    assert job.message == "5 rows"
    assert job.result_file.name.endswith(".xlsx")
    download = client_for("secondary").get(reverse("core:job_download", args=[job.pk]))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(body(download))).active.iter_rows(values_only=True)
    )
    assert len(rows) == 6
    entry = JournalEntry.objects.get(action="export.core.journal")
    assert entry.details["rows"] == 5 and entry.details["background"] is True
    assert entry.details["filters"] == {"action": "test"}
    # someone else cannot download it
    assert (
        client_for("principal").get(reverse("core:job_download", args=[job.pk])).status_code == 404
    )  # not the owner


def render_buttons(user, query=""):
    request = RequestFactory().get("/backoffice/journal/" + query)
    request.user = user
    template = Template('{% include "exports/buttons.html" with exporter="core.journal" %}')
    return template.render(Context({"request": request}))


def test_buttons_include(users):
    html = render_buttons(users["secondary"], "?q=dupont&page=2")
    assert "exporter=core.journal" in html
    for fmt in ("csv", "xlsx", "xml", "json"):
        assert f"format={fmt}" in html
    assert "q=dupont" in html and "page=2" not in html
    assert "Schedule" not in html  # secondary may not schedule exports
    assert "Schedule" in render_buttons(users["principal"])
    assert render_buttons(users["participant"]).strip() == ""
