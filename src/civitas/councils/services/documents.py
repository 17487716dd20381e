"""Documents of a sitting: resumable chunked upload streamed to the default storage,
SHA-256 computed while the bytes pass, content checked against the extension, quotas.

Protocol (see backoffice/uploads.py): start an upload (name, size, kind), then send chunks
with their offset; a broken upload resumes by asking the current offset. Each chunk is
stored as a part; the last one assembles the parts into the document (streamed: no step
holds the file in memory) and checks the content.
"""

import hashlib
import io
import os
import zipfile

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal, locking

from .. import conf
from ..models import Document, Upload
from . import ServiceError

BLOCK = 1024 * 1024

OOXML = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
ODF = {
    ".odt": b"application/vnd.oasis.opendocument.text",
    ".ods": b"application/vnd.oasis.opendocument.spreadsheet",
    ".odp": b"application/vnd.oasis.opendocument.presentation",
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower()


def check_head(ext: str, head: bytes) -> bool:
    """Do the first bytes fit the extension? (the full check runs on the whole file)"""
    if ext == ".pdf":
        return head.startswith(b"%PDF-")
    if ext in ODF:
        return head.startswith(b"PK\x03\x04") and head[30:38] == b"mimetype" and ODF[ext] in head
    if ext in OOXML:
        return head.startswith(b"PK\x03\x04")
    if ext == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    return False


def check_content(ext: str, fileobj) -> bool:
    """Sniff a stored file (seekable): is it what its extension says?"""
    fileobj.seek(0)
    head = fileobj.read(256)
    if not check_head(ext, head):
        return False
    if ext in OOXML:
        fileobj.seek(0)
        try:
            names = zipfile.ZipFile(fileobj).namelist()
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and any(n.startswith(OOXML[ext]) for n in names)
    if ext == ".pdf":
        fileobj.seek(0, io.SEEK_END)
        end = fileobj.tell()
        fileobj.seek(max(0, end - 2048))
        return b"%%EOF" in fileobj.read()
    return True


# --- Quotas ---------------------------------------------------------------------------------


def storage_used(epci) -> int:
    return Document.objects.filter(sitting__epci=epci).aggregate(n=Sum("size"))["n"] or 0


def traffic_used(epci) -> int:
    return epci.traffic_bytes if epci.traffic_year == timezone.now().year else 0


def quota(epci) -> dict:
    used, traffic = storage_used(epci), traffic_used(epci)
    return {
        "storage": used,
        "storage_quota": conf.storage_quota(),
        "storage_percent": round(100 * used / conf.storage_quota(), 2),
        "traffic": traffic,
        "traffic_quota": conf.traffic_quota(),
        "traffic_percent": round(100 * traffic / conf.traffic_quota(), 2),
    }


def count_traffic(epci, nbytes: int) -> None:
    """Add a download to the EPCI's yearly traffic (one UPDATE, safe with many processes)."""
    from django.db.models import F

    from ..models import EPCI

    year = timezone.now().year
    EPCI.objects.filter(pk=epci.pk, traffic_year=year).update(
        traffic_bytes=F("traffic_bytes") + nbytes
    )
    EPCI.objects.filter(pk=epci.pk).exclude(traffic_year=year).update(
        traffic_year=year, traffic_bytes=nbytes
    )


# --- Upload ---------------------------------------------------------------------------------


def start_upload(sitting, *, kind, title, file_name, size, user=None) -> Upload:
    ext = extension(file_name)
    if ext not in CONTENT_TYPES:
        raise ServiceError(
            _("Files of this type cannot be sent (accepted: %(types)s).")
            % {"types": ", ".join(sorted(CONTENT_TYPES))}
        )
    if kind not in Document.Kind.values:
        raise ServiceError(_("Unknown document kind."))
    if not isinstance(size, int) or size <= 0:
        raise ServiceError(_("The file is empty."))
    if size > conf.max_document_bytes():
        raise ServiceError(
            _("The file is too large (at most %(max)s MB).")
            % {"max": conf.max_document_bytes() // (1024 * 1024)}
        )
    if storage_used(sitting.epci) + size > conf.storage_quota():
        raise ServiceError(_("The EPCI's storage quota would be exceeded."))
    return Upload.objects.create(
        sitting=sitting,
        kind=kind,
        title=(title or file_name)[:200],
        file_name=os.path.basename(file_name)[:255],
        size=size,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


class _Limited(io.RawIOBase):
    """Read at most `length` bytes of `stream`, counting and hashing them; not seekable."""

    def __init__(self, stream, length, sha=None):
        self.stream, self.left, self.sha = stream, length, sha
        self.count = 0
        self.head = b""

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.left <= 0:
            return 0
        data = self.stream.read(min(len(buffer), self.left, BLOCK))
        if not data:
            return 0
        n = len(data)
        buffer[:n] = data
        self.left -= n
        self.count += n
        if len(self.head) < 256:
            self.head += data[: 256 - len(self.head)]
        if self.sha is not None:
            self.sha.update(data)
        return n


class _Parts(io.RawIOBase):
    """The stored parts read one after the other, hashed as they pass."""

    def __init__(self, names, sha):
        self.names, self.sha, self.current = list(names), sha, None

    def readable(self):
        return True

    def readinto(self, buffer):
        while True:
            if self.current is None:
                if not self.names:
                    return 0
                self.current = default_storage.open(self.names.pop(0), "rb")
            data = self.current.read(min(len(buffer), BLOCK))
            if data:
                buffer[: len(data)] = data
                self.sha.update(data)
                return len(data)
            self.current.close()
            self.current = None


def _chunk_name(upload, offset):
    return f"councils/uploads/{upload.pk}/{offset:015d}.part"


def append_chunk(upload_id, offset: int, stream, length: int, *, request=None):
    """Store `length` bytes read from `stream` at `offset`. Returns the Upload, or the new
    Document when this chunk completed the file. ServiceError with `.offset` when the
    offset is not the current one (the client resumes from there)."""
    if length <= 0 or length > conf.max_chunk_bytes():
        raise ServiceError(
            _("A chunk holds 1 byte to %(max)s bytes.") % {"max": conf.max_chunk_bytes()}
        )
    with transaction.atomic():
        locking.lock(rows=[Upload.objects.filter(pk=upload_id)])
        upload = Upload.objects.select_related("sitting__epci").get(pk=upload_id)
        if upload.document_id:
            raise ServiceError(_("This upload is already complete."))
        if offset != upload.offset:
            err = ServiceError(_("Expected offset %(offset)s.") % {"offset": upload.offset})
            err.offset = upload.offset
            raise err
        if offset + length > upload.size:
            raise ServiceError(_("More bytes than the announced size."))
        locking.checkpoint()
        reader = _Limited(stream, length)
        try:
            name = default_storage.save(
                _chunk_name(upload, offset), File(io.BufferedReader(reader))
            )
        except OSError as exc:  # the client went away mid-chunk (UnreadablePostError)
            raise ServiceError(_("The chunk was cut short: send it again.")) from exc
        if reader.count != length:
            default_storage.delete(name)
            raise ServiceError(_("The chunk was cut short: send it again."))
        if offset == 0 and not check_head(extension(upload.file_name), reader.head):
            default_storage.delete(name)
            upload.delete()
            raise ServiceError(
                _("The content of “%(name)s” is not what its extension says.")
                % {"name": upload.file_name}
            )
        upload.parts = [*upload.parts, name]
        upload.offset = offset + length
        upload.save(update_fields=["parts", "offset"])
        if upload.offset < upload.size:
            return upload
        return _complete(upload, request=request)


def _complete(upload, request=None) -> Document:
    sha = hashlib.sha256()
    ext = extension(upload.file_name)
    target = f"councils/documents/{timezone.now():%Y/%m}/{upload.pk.hex}{ext}"
    stored = default_storage.save(target, File(io.BufferedReader(_Parts(upload.parts, sha))))
    for part in upload.parts:
        default_storage.delete(part)
    with default_storage.open(stored, "rb") as fileobj:
        ok = check_content(ext, fileobj)
    if not ok:
        default_storage.delete(stored)
        upload.delete()
        raise ServiceError(
            _("The content of “%(name)s” is not what its extension says.")
            % {"name": upload.file_name}
        )
    document = Document.objects.create(
        sitting=upload.sitting,
        kind=upload.kind,
        title=upload.title,
        file=stored,
        original_name=upload.file_name,
        content_type=CONTENT_TYPES[ext],
        size=upload.size,
        sha256=sha.hexdigest(),
        uploaded_by=upload.created_by,
    )
    upload.document = document
    upload.save(update_fields=["document"])
    journal.record(
        "councils.document_uploaded",
        request=request,
        obj=document,
        details={"sha256": document.sha256, "size": document.size, "kind": document.kind},
    )
    return document


def add_file(sitting, *, kind, title, fileobj, file_name, size, user=None, request=None):
    """One-shot upload (form without JavaScript, demo, tests): the same chunk pipeline."""
    upload = start_upload(
        sitting, kind=kind, title=title, file_name=file_name, size=size, user=user
    )
    offset, result = 0, upload
    while offset < size:
        length = min(conf.max_chunk_bytes(), size - offset)
        result = append_chunk(upload.pk, offset, fileobj, length, request=request)
        offset += length
    return result


def file_sha256(document) -> str:
    """The SHA-256 of the stored file now (streamed), to verify a proof bundle."""
    sha = hashlib.sha256()
    with default_storage.open(document.file.name, "rb") as fileobj:
        for block in iter(lambda: fileobj.read(BLOCK), b""):
            sha.update(block)
    return sha.hexdigest()


def delete_document(document, *, request=None):
    if document.sendings.exists():
        raise ServiceError(_("A document already sent cannot be deleted."))
    journal.record(
        "councils.document_deleted",
        request=request,
        obj=document,
        details={"sha256": document.sha256},
    )
    document.file.delete(save=False)
    document.delete()


# --- Preview of a PDF's first page ------------------------------------------------------------

PREVIEW_WIDTH = 800  # pixels


def preview_name(document) -> str:
    # Keyed by the content's hash: a document never changes, a new one gets a new preview.
    return f"councils/previews/{document.sha256}.png"


def first_page_preview(document) -> str:
    """The storage name of a PNG of the PDF's first page, made once with poppler's
    `pdftoppm` (the document is copied to a temporary file in chunks, never held whole in
    memory). ServiceError when the document is no PDF or cannot be rendered."""
    import shutil
    import subprocess
    import tempfile

    if document.content_type != "application/pdf":
        raise ServiceError(_("Only PDF documents have a preview."))
    name = preview_name(document)
    if default_storage.exists(name):
        return name
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise ServiceError(_("The preview tool (poppler-utils) is not installed."))
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "document.pdf")
        with document.file.open("rb") as src, open(source, "wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
        target = os.path.join(tmp, "page")
        try:
            subprocess.run(
                [
                    tool,
                    "-png",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    "-scale-to",
                    str(PREVIEW_WIDTH),
                    source,
                    target,
                ],
                check=True,
                capture_output=True,
                timeout=60,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise ServiceError(_("This PDF could not be rendered for a preview.")) from exc
        with open(target + ".png", "rb") as png:
            return default_storage.save(name, File(png))
