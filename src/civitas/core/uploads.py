"""Uploaded images and PDFs, checked by their content before they are stored.

One place for every upload form (issue 31, item 10): an image is opened and verified with
Pillow, then re-encoded in its own format (metadata such as EXIF GPS positions, comments,
colour-profile tricks and bytes appended after the image are dropped); a PDF must start
with ``%PDF-``, be readable by pypdf and hold no JavaScript or launch action. A file that is
at the same time a web page or script (an HTML/JS "polyglot") is refused with a form error.

    from civitas.core import uploads
    clean_file = uploads.clean_image(form.cleaned_data["photo"])   # ValidationError
    kind, clean_file = uploads.clean_upload(f, {"pdf", "image"})
"""

from __future__ import annotations

import io
import os

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

# Pillow format -> (extension, content type) of the re-encoded file.
IMAGE_FORMATS = {
    "JPEG": (".jpg", "image/jpeg"),
    "PNG": (".png", "image/png"),
    "WEBP": (".webp", "image/webp"),
    "GIF": (".gif", "image/gif"),
}
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
# Markup that makes a browser (or a sniffer) read the file as a page or a script.
_ACTIVE_MARKERS = (b"<script", b"<html", b"<iframe", b"<!doctype", b"<body", b"<?xml")
# PDF names that run something when the file is opened.
_PDF_ACTIONS = ("/JavaScript", "/JS", "/Launch", "/EmbeddedFiles", "/RichMedia", "/XFA")


def _read(uploaded) -> bytes:
    pos = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(pos)
    return data


def _refuse_markup(data: bytes, head_only: bool = False) -> None:
    sample = (data[:1024] if head_only else data).lower()
    if any(marker in sample for marker in _ACTIVE_MARKERS):
        raise ValidationError(
            _(
                "This file also holds web page code (HTML or script): it is refused. "
                "Export it again from the original application."
            ),
            code="polyglot",
        )


def clean_image(uploaded, formats=tuple(IMAGE_FORMATS)) -> SimpleUploadedFile:
    """The image re-encoded in its own format without metadata, or ValidationError."""
    from PIL import Image, UnidentifiedImageError

    data = _read(uploaded)
    _refuse_markup(data)
    invalid = ValidationError(
        _("This file is not a valid image (accepted: %(formats)s).")
        % {"formats": ", ".join(formats)},
        code="invalid_image",
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("This image is too large."), code="image_too_large")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            out = io.BytesIO()
            options = {}
            if fmt == "JPEG":
                options = {"quality": 90, "optimize": True}
            elif fmt == "GIF" and getattr(image, "n_frames", 1) > 1:
                options = {"save_all": True}
            # No exif=, icc_profile=, pnginfo=: the metadata stays behind.
            image.save(out, format=fmt, **options)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise invalid from None
    if fmt not in formats or fmt not in IMAGE_FORMATS:
        raise invalid
    extension, content_type = IMAGE_FORMATS[fmt]
    stem = os.path.splitext(os.path.basename(uploaded.name or "image"))[0] or "image"
    return SimpleUploadedFile(stem + extension, out.getvalue(), content_type=content_type)


def _has_active_content(root, budget: int = 100_000) -> bool:
    """Walk the PDF's objects from its catalogue: any JavaScript, launch action, embedded
    file, rich media or XFA form counts (streams are not decoded)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set = set()
    stack = [root]
    while stack and budget > 0:
        budget -= 1
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if any(name in obj for name in _PDF_ACTIONS):
                return True
            if str(obj.get("/S", "")) in ("/JavaScript", "/Launch"):
                return True
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False


def check_pdf(uploaded) -> None:
    """ValidationError unless the file is a PDF pypdf can read, without active content."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    data = _read(uploaded)
    if not data.startswith(b"%PDF-"):
        raise ValidationError(
            _("A PDF file must start with its PDF header, with nothing before it."),
            code="invalid_pdf",
        )
    _refuse_markup(data, head_only=True)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = len(reader.pages)
        active = _has_active_content(reader.trailer["/Root"])
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        raise ValidationError(_("This PDF file cannot be read."), code="invalid_pdf") from None
    if not pages:
        raise ValidationError(_("This PDF file has no page."), code="invalid_pdf")
    if active:
        raise ValidationError(
            _("This PDF file holds JavaScript or actions run on opening: it is refused."),
            code="active_pdf",
        )


def is_new_upload(value) -> bool:
    """True for a file just sent with the form (not the stored one, not a clear)."""
    return bool(value) and hasattr(value, "size") and not getattr(value, "_committed", False)


def clean_image_field(value):
    """For a form's ``clean_<image field>()``: a new upload re-encoded, the rest as is."""
    return clean_image(value) if is_new_upload(value) else value


def clean_upload(uploaded, kinds=frozenset({"image", "pdf"})):
    """(kind, file to store): images re-encoded, PDFs checked; other kinds unchanged."""
    data = _read(uploaded)
    head = data[:16]
    if "pdf" in kinds and b"%PDF-" in data[:1024]:
        check_pdf(uploaded)
        return "pdf", uploaded
    if "image" in kinds and (
        head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8"))
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    ):
        return "image", clean_image(uploaded)
    return "", uploaded
