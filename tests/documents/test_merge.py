"""Word mail-merge: upload validation, one document, batches (zip, background job)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civitas.core.documents import merge
from civitas.core.documents.models import DocumentTemplate
from civitas.core.models import JobProgress, JournalEntry
from tests.documents.documents_helpers import docx_text, make_docx

pytestmark = pytest.mark.django_db

UPLOAD = "/backoffice/documents/nouveau/"


def upload(client, data, *, name="Letter", kind="user", filename="letter.docx"):
    return client.post(
        UPLOAD,
        {
            "name": name,
            "kind": kind,
            "language": "fr",
            "upload": SimpleUploadedFile(filename, data),
        },
    )


def form_errors(response):
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


LETTER = make_docx(
    "Bonjour {{ full_name }},",
    "Votre adresse : {{ email }} — tél. {{ phone }}.",
    "{{ organisation_name }}, le {{ today }}",
    header="Courrier pour {{ full_name }}",
)


def test_valid_template_is_accepted_and_journaled(client_for):
    response = upload(client_for("principal"), LETTER)
    assert response.status_code == 302
    template = DocumentTemplate.objects.get()
    assert template.kind == "user"
    assert template.fields_used == ["email", "full_name", "organisation_name", "phone", "today"]
    assert template.original_name == "letter.docx"
    assert template.read() == LETTER
    entry = JournalEntry.objects.get(action="documents.template_uploaded")
    assert entry.object_id == str(template.pk)
    detail = client_for("principal").get(response["Location"])
    assert b"{{ phone }}" in detail.content


def test_unknown_field_is_refused_with_its_name_and_the_available_ones(client_for):
    data = make_docx("Bonjour {{ full_name }}, votre badge {{ badge_number }}.")
    response = upload(client_for("principal"), data, name="Badge letter")
    assert response.status_code == 200
    message = form_errors(response)
    assert "{{ badge_number }}" in message
    assert "full_name" not in message.split("Available")[0]
    for field in ("email", "full_name", "organisation_name", "phone", "today"):
        assert field in message
    assert not DocumentTemplate.objects.exists()
    # What was typed is kept.
    assert response.context["form"]["name"].value() == "Badge letter"
    assert b"Badge letter" in response.content


def test_unknown_field_in_the_header_is_refused(client_for):
    data = make_docx("Bonjour {{ full_name }}", header="Réf. {{ dossier_ref }}")
    response = upload(client_for("principal"), data)
    assert "{{ dossier_ref }}" in form_errors(response)
    assert not DocumentTemplate.objects.exists()


@pytest.mark.parametrize(
    "data,filename,expected",
    [
        (b"Bonjour {{ full_name }}", "letter.docx", "not a Word .docx document"),
        (b"%PDF-1.7 fake", "letter.pdf", ".docx extension"),
    ],
)
def test_not_a_docx_is_refused(client_for, data, filename, expected):
    response = upload(client_for("principal"), data, filename=filename)
    assert response.status_code == 200
    assert expected in form_errors(response)
    assert not DocumentTemplate.objects.exists()


def test_zip_that_is_not_a_word_document_is_refused(client_for):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")  # an OpenDocument, say
    response = upload(client_for("principal"), out.getvalue())
    assert "not a Word .docx document" in form_errors(response)


def test_too_large_file_is_refused(client_for, settings):
    settings.CIVITAS_DOCUMENTS_MAX_TEMPLATE_SIZE = 1000
    response = upload(client_for("principal"), LETTER)
    assert "too large" in form_errors(response)


def test_jinja_syntax_error_is_refused_with_the_paragraph(client_for):
    data = make_docx("Bonjour {{ full_name }}", "Madame {{ full_name }, merci.")
    response = upload(client_for("principal"), data)
    message = form_errors(response)
    assert "syntax error" in message
    assert "Madame {{ full_name }, merci." in message
    assert not DocumentTemplate.objects.exists()


def test_unknown_filter_is_refused(client_for):
    data = make_docx("Bonjour {{ full_name|shout }}")
    message = form_errors(upload(client_for("principal"), data))
    assert "cannot be merged" in message and "shout" in message


def test_unknown_kind_is_refused(client_for):
    response = upload(client_for("principal"), LETTER, kind="nope")
    assert "kind" in response.context["form"].errors


def test_kind_fields_fragment_lists_the_fields(client_for):
    response = client_for("principal").get("/backoffice/documents/champs/?kind=user")
    assert response.status_code == 200
    for field in ("full_name", "email", "phone", "organisation_name", "today"):
        assert f"{{{{ {field} }}}}".encode() in response.content
    empty = client_for("principal").get("/backoffice/documents/champs/?kind=")
    assert b"Choose a kind of record" in empty.content
    page = client_for("principal").get(UPLOAD)
    assert b'hx-get="/backoffice/documents/champs/"' in page.content


def _template(client):
    assert upload(client, LETTER).status_code == 302
    return DocumentTemplate.objects.get()


def test_one_document_contains_the_merged_values(client_for, make_user_fn):
    client = client_for("principal")
    template = _template(client)
    target = make_user_fn("lea@example.org", full_name="Léa Dupont & Fils <SARL>", phone="0601")
    response = client.post(
        f"/backoffice/documents/{template.pk}/generer/", {"scope": "one", "record": target.pk}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "attachment" in response["Content-Disposition"]
    text = docx_text(response.content)
    assert "Bonjour Léa Dupont & Fils <SARL>," in text
    assert "Votre adresse : lea@example.org — tél. 0601." in text
    assert "Courrier pour Léa Dupont & Fils <SARL>" in text
    assert "{{" not in text
    entry = JournalEntry.objects.get(action="documents.generated")
    assert entry.details["record"] == str(target.pk)


def test_one_document_for_an_unknown_record_is_refused(client_for):
    client = client_for("principal")
    template = _template(client)
    response = client.post(
        f"/backoffice/documents/{template.pk}/generer/", {"scope": "one", "record": "999999"}
    )
    assert response.status_code == 302
    assert not JournalEntry.objects.filter(action="documents.generated").exists()


def _zip_docs(content):
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {name: docx_text(archive.read(name)) for name in archive.namelist()}


def test_batch_zip_has_one_document_per_record(client_for, users):
    client = client_for("principal")
    template = _template(client)
    response = client.post(f"/backoffice/documents/{template.pk}/generer/", {"scope": "all"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    docs = _zip_docs(response.content)
    emails = [u.email for u in users.values() if u is not None]
    assert len(docs) == len(emails) == 3
    for email in emails:
        assert sum(f"Votre adresse : {email} " in text for text in docs.values()) == 1
    assert all(name.endswith(".docx") for name in docs)


def test_large_batch_runs_as_a_background_job(client_for, users, make_user_fn, settings):
    settings.CIVITAS_DOCUMENTS_SYNC_BATCH_LIMIT = 2
    for i in range(12):
        make_user_fn(f"person{i}@example.org", full_name=f"Personne {i}")
    client = client_for("principal")
    template = _template(client)
    response = client.post(f"/backoffice/documents/{template.pk}/generer/", {"scope": "all"})
    assert response.status_code == 200
    job = JobProgress.objects.get(kind="documents.batch")
    assert job.status == JobProgress.Status.DONE, job.message
    assert job.owner == users["principal"]
    assert f"job-{job.pk}".encode() in response.content
    with job.result_file.open("rb") as fh:
        docs = _zip_docs(fh.read())
    assert len(docs) == 15
    assert any("Bonjour Personne 11," in text for text in docs.values())
    download = client.get(f"/taches/{job.pk}/telecharger/")
    assert download.status_code == 200


def test_merge_is_sandboxed(client_for):
    data = make_docx("{{ full_name.__class__.__mro__ }}")
    message = form_errors(upload(client_for("principal"), data))
    assert "unsafe" in message
    assert not DocumentTemplate.objects.exists()
    data = make_docx("{{ full_name.upper() }}")
    assert merge.validate_template(data, merge.get_kind("user"), "x.docx") == ["full_name"]
    assert "ABC" in docx_text(merge.render_docx(data, {"full_name": "abc"})).split()


def test_delete_template(client_for):
    client = client_for("principal")
    template = _template(client)
    path = template.file.path
    response = client.post(f"/backoffice/documents/{template.pk}/supprimer/")
    assert response.status_code == 302
    assert not DocumentTemplate.objects.exists()
    import os

    assert not os.path.exists(path)
    assert JournalEntry.objects.filter(action="documents.template_deleted").exists()


def test_generation_needs_the_permission_of_the_kind(client_for, users):
    from django.test import Client

    from civitas.core.models import Role
    from tests.conftest import make_user

    template = _template(client_for("principal"))
    Role.objects.create(code="doc_clerk", name="Clerk", permissions=["documents.generate"])
    client = Client()
    client.force_login(make_user("clerk@example.org", role_code="doc_clerk"))
    detail = client.get(f"/backoffice/documents/{template.pk}/")
    assert detail.status_code == 200
    assert b"You may not merge documents for this kind of record." in detail.content
    assert b"secondary@example.org" not in detail.content
    response = client.post(
        f"/backoffice/documents/{template.pk}/generer/", {"scope": "all"}, follow=False
    )
    assert response.status_code == 302
    assert not JournalEntry.objects.filter(action="documents.generated").exists()
    # Managing templates is a separate permission.
    assert client.get(UPLOAD).status_code == 403
