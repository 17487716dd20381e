"""Word mail-merge (docxtpl): kinds of records, template validation and generation.

A module registers each kind of record its staff may merge, in AppConfig.ready():

    from civitas.core.documents import merge

    merge.register_kind(
        "participant",
        _("Event participant"),
        fields={"full_name": _("Full name"), "company": _("Company"), ...},
        records=lambda user, params: Registration.objects.filter(event_id=params["event"]),
        context=lambda reg: {"full_name": reg.full_name, "company": reg.company, ...},
        permission="events.view_registrations",
    )

Staff write the fields as {{ full_name }} in Word. Every kind also offers the common fields
below (today, organisation_name). Templates are rendered in a Jinja sandbox with XML escaping.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from . import conf


@dataclass(frozen=True)
class MergeKind:
    code: str
    label: str
    fields: dict[str, str]
    records: Callable  # (user, params) -> iterable (a QuerySet is best)
    context: Callable  # (obj) -> dict of field values
    permission: str
    describe: Callable = str  # (obj) -> label of one record (lists, file names)
    extra: dict = field(default_factory=dict)

    def all_fields(self) -> dict[str, str]:
        return {**common_fields(), **self.fields}

    def get_records(self, user, params=None):
        return self.records(user, params or {})

    def get_record(self, user, pk, params=None):
        """One record by primary key, among those the user may merge (None if not found)."""
        records = self.get_records(user, params)
        if hasattr(records, "filter"):
            try:
                return records.filter(pk=pk).first()
            except (ValueError, TypeError):
                return None
        return next((r for r in records if str(getattr(r, "pk", "")) == str(pk)), None)

    def merge_context(self, obj) -> dict:
        from civitas.core.models import Organisation

        values = {
            "today": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
            "organisation_name": Organisation.get().name,
        }
        values.update(self.context(obj))
        return values


_kinds: dict[str, MergeKind] = {}


def common_fields() -> dict[str, str]:
    return {
        "today": gettext_lazy("Date of the day the document is produced"),
        "organisation_name": gettext_lazy("Name of the organisation"),
    }


def register_kind(
    code, label, fields, records, context, permission, describe=str, **extra
) -> MergeKind:
    bad = [name for name in fields if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name)]
    if bad:
        raise ValueError(f"Merge field names must be identifiers: {bad}")
    kind = MergeKind(code, label, dict(fields), records, context, permission, describe, extra)
    _kinds[code] = kind
    return kind


def get_kind(code) -> MergeKind | None:
    return _kinds.get(code)


def kinds() -> list[MergeKind]:
    return sorted(_kinds.values(), key=lambda k: str(k.label))


def kind_choices() -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in kinds()]


# --- Validation -------------------------------------------------------------------------


class TemplateInvalid(ValueError):
    """A template that cannot be used; str() is the message shown to staff."""


def _env() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True)


def _text(xml: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", xml)).strip()


def check_docx_file(data: bytes, filename: str = "") -> None:
    """Extension, size and structure of an uploaded .docx (raises TemplateInvalid)."""
    if filename and not filename.lower().endswith(".docx"):
        raise TemplateInvalid(
            _("The file must be a Word document with the .docx extension (got “%(name)s”).")
            % {"name": filename}
        )
    limit = conf.max_template_size()
    if len(data) > limit:
        raise TemplateInvalid(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {
                "size": formats.number_format(len(data) / 1024 / 1024, 1) + " Mo",
                "limit": formats.number_format(limit / 1024 / 1024, 1) + " Mo",
            }
        )
    not_docx = _(
        "This file is not a Word .docx document. Save it from Word or LibreOffice as "
        "“Word document (.docx)” and upload it again."
    )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateInvalid(not_docx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise TemplateInvalid(not_docx) from exc
    names = {i.filename for i in infos}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise TemplateInvalid(not_docx)
    if sum(i.file_size for i in infos) > conf.max_uncompressed_size():
        raise TemplateInvalid(_("This document is too large once uncompressed."))


def _parts_xml(doc) -> list[str]:
    """XML of the body, headers and footers, as docxtpl prepares them for Jinja."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate.__new__(DocxTemplate)  # only for its XML helpers
    parts = [tpl.patch_xml(tpl.xml_to_string(doc._element.body))]
    from docx.oxml import parse_xml

    for rel in doc.part.rels.values():
        if rel.reltype in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
            blob = rel.target_part.blob
            if blob:
                parts.append(tpl.patch_xml(tpl.xml_to_string(parse_xml(blob))))
    return parts


def template_variables(data: bytes) -> set[str]:
    """Merge fields used by a .docx template (raises TemplateInvalid on a Jinja error)."""
    from docx import Document
    from docxtpl import DocxTemplate

    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types on broken packages
        raise TemplateInvalid(
            _("This Word document cannot be read (%(error)s).") % {"error": type(exc).__name__}
        ) from exc
    env = _env()
    for xml in _parts_xml(doc):
        # One paragraph per line, as docxtpl renders it, so the error points at a paragraph.
        lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
        try:
            env.parse(lines)
        except TemplateSyntaxError as exc:
            src = lines.splitlines()
            paragraph = _text(src[exc.lineno - 1]) if 0 < (exc.lineno or 0) <= len(src) else ""
            raise TemplateInvalid(
                _("Merge field syntax error in the paragraph “%(text)s”: %(error)s.")
                % {"text": paragraph[:200], "error": exc.message}
            ) from exc
    tpl = DocxTemplate(io.BytesIO(data))
    try:
        return set(tpl.get_undeclared_template_variables(jinja_env=env))
    except TemplateError as exc:  # e.g. an unknown filter
        raise TemplateInvalid(
            _("The template cannot be merged: %(error)s") % {"error": exc.message or exc}
        ) from exc


def validate_template(data: bytes, kind: MergeKind, filename: str = "") -> list[str]:
    """Check an uploaded template for `kind`; returns the sorted fields it uses."""
    check_docx_file(data, filename)
    used = template_variables(data)
    available = kind.all_fields()
    unknown = sorted(used - set(available))
    if unknown:
        raise TemplateInvalid(
            _("Unknown merge fields for “%(kind)s”: %(unknown)s. Available fields: %(available)s.")
            % {
                "kind": kind.label,
                "unknown": ", ".join("{{ " + n + " }}" for n in unknown),
                "available": ", ".join(sorted(available)),
            }
        )
    # Dry run with placeholder values: catches unknown filters and sandbox violations.
    try:
        render_docx(data, {name: name for name in available})
    except TemplateInvalid:
        raise
    except Exception as exc:
        raise TemplateInvalid(
            _("The template cannot be merged: %(error)s") % {"error": exc}
        ) from exc
    return sorted(used)


# --- Generation -------------------------------------------------------------------------


def render_docx(data: bytes, context: dict) -> bytes:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(data))
    try:
        tpl.render(context, jinja_env=_env(), autoescape=True)
    except TemplateError as exc:
        where = " ".join(getattr(exc, "docx_context", []) or [])
        raise TemplateInvalid(
            _("The template cannot be merged: %(error)s%(where)s")
            % {
                "error": getattr(exc, "message", None) or str(exc),
                "where": (" — " + _text(where)[:200]) if where.strip() else "",
            }
        ) from exc
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def file_name(template_name: str, label: str, pk=None) -> str:
    base = slugify(f"{template_name} {label}")[:80] or "document"
    return f"{base}-{pk}.docx" if pk is not None else f"{base}.docx"


def generate_one(data: bytes, kind: MergeKind, obj) -> bytes:
    return render_docx(data, kind.merge_context(obj))


def generate_zip(
    data: bytes,
    kind: MergeKind,
    records: Iterable,
    template_name: str,
    progress: Callable | None = None,
    total: int | None = None,
) -> tuple[bytes, int]:
    """A zip with one .docx per record; returns (zip bytes, number of documents)."""
    out = io.BytesIO()
    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        used = set()
        for obj in records:
            name = file_name(template_name, kind.describe(obj), getattr(obj, "pk", None))
            while name in used:
                name = name.replace(".docx", "-1.docx")
            used.add(name)
            archive.writestr(name, generate_one(data, kind, obj))
            count += 1
            if progress and total and count % 10 == 0:
                progress(count, total)
    return out.getvalue(), count


# --- Core kind: users -----------------------------------------------------------------


def register_core_kinds():
    def records(user, params):
        from civitas.core.models import User

        return User.objects.filter(is_active=True).order_by("full_name", "email")

    register_kind(
        "user",
        gettext_lazy("User account"),
        fields={
            "full_name": gettext_lazy("Full name (or e-mail address if none)"),
            "email": gettext_lazy("E-mail address"),
            "phone": gettext_lazy("Mobile phone"),
        },
        records=records,
        context=lambda u: {"full_name": u.get_full_name(), "email": u.email, "phone": u.phone},
        permission="core.manage_administrators",
        describe=lambda u: u.get_full_name(),
    )
