"""documents.services.generate, called directly: one record, a batch in the request, a
background batch, and each refusal (no permission, missing file, unknown record, empty or
too large batch, broken template)."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile

from civitas.core.documents import services
from civitas.core.documents.models import DocumentTemplate
from civitas.core.models import JobProgress, JournalEntry
from tests.conftest import make_user
from tests.documents.documents_helpers import docx_text, make_docx

pytestmark = pytest.mark.django_db

LETTER = make_docx("Bonjour {{ full_name }},", "Adresse : {{ email }}.")


def _template(data=LETTER, kind="user"):
    template = DocumentTemplate(name="Lettre", kind=kind, fields_used=["email", "full_name"])
    template.file.save("t.docx", ContentFile(data), save=True)
    return template


def test_one_record(users):
    principal, target = users["principal"], users["participant"]
    result = services.generate(_template(), principal, record=target.pk)
    assert result.count == 1 and result.job is None
    assert result.content_type == services.DOCX and result.file_name.endswith(".docx")
    text = docx_text(result.content)
    assert f"Adresse : {target.email}." in text and "Bonjour participant," in text
    entry = JournalEntry.objects.get(action="documents.generated")
    assert entry.details["record"] == str(target.pk) and entry.actor_id == principal.pk


def test_batch_in_the_request_is_a_zip(users):
    result = services.generate(_template(), users["principal"], all_records=True)
    assert result.content_type == services.ZIP and result.count == 3
    names = zipfile.ZipFile(io.BytesIO(result.content)).namelist()
    assert len(names) == 3 and all(n.endswith(".docx") for n in names)
    assert JournalEntry.objects.get(action="documents.generated").details["count"] == 3


def test_large_batch_becomes_a_background_job(users, settings):
    settings.CIVITAS_DOCUMENTS_SYNC_BATCH_LIMIT = 1
    result = services.generate(_template(), users["principal"], all_records=True)
    assert result.content is None and result.job is not None and result.count == 3
    job = JobProgress.objects.get(pk=result.job.pk)
    assert job.status == JobProgress.Status.DONE and job.owner == users["principal"]


@pytest.mark.parametrize(
    "case,expected",
    [
        ("no_permission", "You may not merge documents"),
        ("missing_file", "The template file is missing"),
        ("unknown_record", "Choose a record in the list"),
        ("too_many", "a batch is limited to 2 documents"),
        ("unknown_kind", "You may not merge documents"),
    ],
)
def test_refusals_generate_nothing(users, settings, case, expected):
    user, kwargs = users["principal"], {"record": users["participant"].pk}
    template = _template()
    if case == "no_permission":
        user = make_user("nobody@example.org")
    elif case == "missing_file":
        import os

        os.remove(template.file.path)  # the file went away from the storage
    elif case == "unknown_record":
        kwargs = {"record": "999999"}
    elif case == "too_many":
        settings.CIVITAS_DOCUMENTS_BATCH_MAX_RECORDS = 2
        kwargs = {"all_records": True}
    elif case == "unknown_kind":
        template.kind = "gone"
    with pytest.raises(services.GenerationError) as caught:
        services.generate(template, user, **kwargs)
    assert expected in str(caught.value) and caught.value.level == "error"
    assert not JournalEntry.objects.filter(action="documents.generated").exists()


def test_empty_batch_is_information(users):
    from civitas.core.documents import merge
    from civitas.core.models import User

    merge.register_kind(
        "tests.nobody",
        "Nobody",
        fields={"full_name": "Name", "email": "E-mail"},
        records=lambda user, params: User.objects.filter(email=params.get("email", "")),
        context=lambda u: {"full_name": u.get_full_name(), "email": u.email},
        permission="documents.generate",
    )
    try:
        template = _template(kind="tests.nobody")
        with pytest.raises(services.GenerationError) as caught:
            services.generate(
                template, users["principal"], all_records=True, params={"email": "x@y.org"}
            )
        assert caught.value.level == "info"
        result = services.generate(
            template,
            users["principal"],
            all_records=True,
            params={"email": users["participant"].email},
        )
        assert result.count == 1  # the kind's filters come from params
    finally:
        merge._kinds.pop("tests.nobody", None)


def test_broken_template_is_reported(users):
    template = _template(make_docx("Bonjour {{ full_name }"))
    with pytest.raises(services.GenerationError):
        services.generate(template, users["principal"], record=users["participant"].pk)
