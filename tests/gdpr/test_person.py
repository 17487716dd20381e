import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse

from civitas.core.gdpr import services
from civitas.core.models import JobProgress, JournalEntry, LoginEvent, User

pytestmark = pytest.mark.django_db


def _zip_of(job):
    job.refresh_from_db()
    assert job.status == JobProgress.Status.DONE, job.message
    with job.result_file.open("rb") as fh:
        return zipfile.ZipFile(io.BytesIO(fh.read()))


def test_holdings_find_data_by_account_and_by_email(person):
    subject = services.Subject.find("JEANNE.MARTIN@example.org")
    assert subject.user == person["user"]
    found = {h.label: h for h in services.holdings(subject)}
    assert found["core.User"].count == 1
    assert found["account.EmailAddress"].count == 1
    # the failed login carries no user id: found through the login typed
    assert found["core.LoginEvent"].count == 2
    assert found["core.JournalEntry"].count == 1
    assert found["wagtaildocs.Document"].count == 1
    assert found["auditlog.LogEntry"].count >= 2  # user created + unit created by her
    assert "password" not in found["core.User"].columns


def test_backoffice_export_zip_contains_json_and_csv(person, client_for):
    client = client_for("principal")
    response = client.post(reverse("gdpr:person_export"), {"email": "jeanne.martin@example.org"})
    assert response.status_code == 302
    job = JobProgress.objects.get(kind="gdpr.export_subject")
    zf = _zip_of(job)
    names = set(zf.namelist())
    assert {"README.txt", "summary.json", "core.user.json"} - names == {"core.user.json"}
    assert {"core.User.json", "core.User.csv", "core.LoginEvent.json"} <= names
    users = json.loads(zf.read("core.User.json"))
    assert users[0]["email"] == "jeanne.martin@example.org"
    assert users[0]["phone"] == "0612345678"
    assert "password" not in users[0]
    rows = list(csv.DictReader(io.StringIO(zf.read("core.LoginEvent.csv").decode("utf-8-sig"))))
    assert sorted(r["ip"] for r in rows) == ["192.0.2.10", "192.0.2.11"]
    entry = JournalEntry.objects.filter(action="gdpr.export_subject").get()
    assert entry.details["counts"]["core.LoginEvent"] == 2
    # only the job owner may download it
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 200
    assert client_for("secondary").get(reverse("core:job_download", args=[job.pk])).status_code in (
        403,
        404,
    )


def test_self_service_export_only_contains_own_data(person, client_for, users):
    from django.test import Client

    client = Client()
    client.force_login(person["user"])
    page = client.get(reverse("gdpr:my_data"))
    assert page.status_code == 200
    assert b"Download" in page.content or "Télécharger".encode() in page.content
    client.post(reverse("gdpr:my_data"))
    job = JobProgress.objects.get(owner=person["user"], kind="gdpr.export_subject")
    zf = _zip_of(job)
    users_json = json.loads(zf.read("core.User.json"))
    assert [u["email"] for u in users_json] == ["jeanne.martin@example.org"]
    logins = json.loads(zf.read("core.LoginEvent.json"))
    assert {e["identifier"] for e in logins} == {"jeanne.martin@example.org"}


def test_person_page_lists_values_and_is_journaled(person, client_for):
    response = client_for("principal").get(
        reverse("gdpr:person"), {"email": "jeanne.martin@example.org"}
    )
    assert response.status_code == 200
    assert b"0612345678" in response.content
    assert b"192.0.2.11" in response.content
    assert JournalEntry.objects.filter(action="gdpr.person_viewed").count() == 1


def test_person_tools_need_permission(person, client_for):
    url = reverse("gdpr:person") + "?email=jeanne.martin@example.org"
    assert client_for("secondary").get(url).status_code == 403
    assert client_for("participant").get(url).status_code == 403
    response = client_for("secondary").post(
        reverse("gdpr:person_erase"),
        {"email": "jeanne.martin@example.org", "confirm_email": "jeanne.martin@example.org"},
    )
    assert response.status_code == 403
    assert User.objects.filter(email="jeanne.martin@example.org").exists()


def test_rectify_changes_fields_and_journals_before_after(person, client_for):
    user = person["user"]
    url = reverse("gdpr:person_rectify") + "?email=jeanne.martin@example.org&model=core.User"
    client = client_for("principal")
    page = client.get(url)
    assert page.status_code == 200
    p = f"r{user.pk}-"
    data = {
        p + "email": "jeanne.martin@example.org",
        p + "full_name": "Jeanne Martin-Durand",
        p + "phone": "0699999999",
        p + "language": "fr",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Jeanne Martin-Durand"
    assert user.phone == "0699999999"
    entry = JournalEntry.objects.get(action="gdpr.rectify")
    assert entry.details["before"] == {"full_name": "Jeanne Martin", "phone": "0612345678"}
    assert entry.details["after"]["phone"] == "0699999999"


def test_rectify_invalid_input_keeps_what_was_typed(person, client_for, users):
    user = person["user"]
    url = reverse("gdpr:person_rectify") + "?email=jeanne.martin@example.org&model=core.User"
    p = f"r{user.pk}-"
    response = client_for("principal").post(
        url,
        {
            p + "email": "principal@example.org",  # taken by someone else
            p + "full_name": "Nouveau Nom",
            p + "phone": "",
            p + "language": "fr",
        },
    )
    assert response.status_code == 200
    assert b"Nouveau Nom" in response.content
    user.refresh_from_db()
    assert user.full_name == "Jeanne Martin"
    assert not JournalEntry.objects.filter(action="gdpr.rectify").exists()


def test_erase_requires_confirmation(person, client_for):
    response = client_for("principal").post(
        reverse("gdpr:person_erase"),
        {"email": "jeanne.martin@example.org", "confirm_email": "someone@else.org"},
    )
    assert response.status_code == 200
    assert User.objects.filter(pk=person["user"].pk).exists()


def test_erase_deletes_anonymises_and_keeps_as_declared(person, client_for):
    from auditlog.models import LogEntry
    from wagtail.documents.models import Document

    user = person["user"]
    kept_journal = JournalEntry.objects.filter(actor_id=user.pk).count()
    response = client_for("principal").post(
        reverse("gdpr:person_erase"),
        {"email": "jeanne.martin@example.org", "confirm_email": "Jeanne.Martin@example.org"},
    )
    assert response.status_code == 302
    # deleted
    assert not User.objects.filter(pk=user.pk).exists()
    assert not LoginEvent.objects.filter(identifier__iexact="jeanne.martin@example.org").exists()
    # anonymised: the document stays, without its uploader
    doc = Document.objects.get(pk=person["doc"].pk)
    assert doc.uploaded_by_user_id is None
    # change trail: the unit's creation is kept but no longer points at her
    unit_entries = LogEntry.objects.get_for_object(person["unit"])
    assert unit_entries.exists()
    assert all(e.actor_id is None and e.remote_addr is None for e in unit_entries)
    # entries about her account lost their content, and nothing new was logged about it
    for entry in LogEntry.objects.filter(object_repr__icontains="jeanne"):
        raise AssertionError(f"audit log still names her: {entry.pk} {entry.object_repr}")
    assert "0612345678" not in json.dumps(list(LogEntry.objects.values_list("changes", flat=True)))
    # kept: the journal, plus one entry recording the erasure without the address
    assert JournalEntry.objects.filter(actor_id=user.pk).count() == kept_journal
    erase_entry = JournalEntry.objects.get(action="gdpr.erase")
    assert "jeanne" not in json.dumps(erase_entry.details).lower()
    assert erase_entry.details["models"]["core.User"] == {"mode": "delete", "count": 1}
    assert erase_entry.details["models"]["wagtaildocs.Document"]["mode"] == "anonymise"
    assert erase_entry.details["models"]["core.JournalEntry"]["mode"] == "keep"
    # nothing left to find
    left = {h.label for h in services.holdings(services.Subject.find("jeanne.martin@example.org"))}
    assert left == {"core.JournalEntry"}


def test_erase_without_account_uses_the_address(db):
    LoginEvent.objects.create(kind="failure", identifier="ghost@example.org", ip="192.0.2.1")
    result = services.erase(services.Subject.find("ghost@example.org"))
    assert result == {"core.LoginEvent": {"mode": "delete", "count": 1}}
    assert not LoginEvent.objects.exists()
