"""Format checks: SIRET, VAT numbers, attachments (by content signature)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as fr_siret

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

# (type, signature test) checked on the first bytes of the file, not on its name.
_SIGNATURES = [
    ("pdf", lambda h: h.startswith(b"%PDF-")),
    ("png", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    ("jpeg", lambda h: h.startswith(b"\xff\xd8\xff")),
    ("webp", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP"),
    ("mp4", lambda h: h[4:8] == b"ftyp"),
]
_EXTENSIONS = {
    "pdf": {".pdf"},
    "png": {".png"},
    "jpeg": {".jpg", ".jpeg"},
    "webp": {".webp"},
    "mp4": {".mp4", ".m4v"},
}


def clean_siret(value: str) -> str:
    value = (value or "").replace(" ", "").replace(".", "")
    try:
        return fr_siret.validate(value)
    except StdnumError:
        raise ValidationError(
            _("This SIRET number is not valid (14 digits with a correct check digit).")
        ) from None


def clean_vat(value: str, country: str) -> str:
    """Format check of an EU VAT number; its prefix must match the company's country.
    Only ASCII letters, digits and separators: python-stdnum maps some other characters
    to digits and refuses an unknown prefix with its own exception."""
    value = value or ""
    if not value.isascii():
        raise ValidationError(
            _("A VAT number holds only Latin letters and digits (e.g. DE123456789).")
        )
    try:
        compact = eu_vat.compact(value)
        eu_vat.validate(compact)
    except StdnumError:
        raise ValidationError(_("This VAT number is not valid.")) from None
    prefix = compact[:2].upper()
    expected = {"GR": "EL"}.get(country.upper(), country.upper())
    if country and prefix != expected:
        raise ValidationError(
            _("This VAT number belongs to another country (%(prefix)s).") % {"prefix": prefix}
        )
    return compact


def is_eu_country(country: str) -> bool:
    code = (country or "").lower()
    return code in {c.lower() for c in eu_vat.MEMBER_STATES} or code == "gr"


def check_attachment(uploaded) -> str:
    """Return the detected type or raise ValidationError (size, type, extension)."""
    import os

    if uploaded.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    pos = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(pos)
    for kind, test in _SIGNATURES:
        if test(head):
            ext = os.path.splitext(uploaded.name or "")[1].lower()
            if ext not in _EXTENSIONS[kind]:
                raise ValidationError(
                    _("The file's name (%(ext)s) does not match its content (%(kind)s).")
                    % {"ext": ext or "-", "kind": kind.upper()}
                )
            return kind
    raise ValidationError(_("Accepted files: PDF, PNG, JPEG, WebP images and MP4 videos."))
