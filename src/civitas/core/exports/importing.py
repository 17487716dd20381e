"""The import framework: read CSV/XLSX as French users produce them, map columns,
check every row (dry run), then write everything in one transaction or nothing.

A new import is one class in a module's ``importers.py``::

    @register_importer
    class UnitImporter(Importer):
        code = "core.units"
        label = _("Units")
        permission = "core.manage_organisation"
        fields = [ImportField("name", _("Name"), required=True), ...]

        def save_row(self, cleaned, context):
            Unit.objects.create(...)

``save_row`` raises ``RowError`` (or ``ValidationError``) to reject a row with a reason.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from . import conf


class ImportFileError(Exception):
    """The file itself is refused (encoding, format, size...): message for the user."""


class RowError(Exception):
    def __init__(self, message, column: str = ""):
        super().__init__(str(message))
        self.message = str(message)
        self.column = column


def normalise(text) -> str:
    """'Unité parente ' -> 'uniteparente' (header matching)."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum())


@dataclass
class ImportField:
    name: str
    label: object
    required: bool = False
    parser: Callable[[str], object] | None = None
    validators: list[Callable] = field(default_factory=list)
    aliases: tuple[str, ...] = ()
    help_text: object = ""

    def clean(self, raw):
        value = "" if raw is None else str(raw).strip()
        if value == "":
            if self.required:
                raise RowError(_("This value is required."), self.name)
            return None
        try:
            if self.parser:
                value = self.parser(value)
            for validator in self.validators:
                validator(value)
        except ValidationError as exc:
            raise RowError(" ".join(exc.messages), self.name) from exc
        except (ValueError, TypeError) as exc:
            raise RowError(str(exc) or _("Invalid value."), self.name) from exc
        return value


class Importer:
    code: str = ""
    label: object = ""
    permission: str = ""
    fields: list[ImportField] = []
    help_text: object = ""

    def start(self, user) -> dict:
        """Context shared by the rows of one run (caches, counters)."""
        return {"user": user}

    def save_row(self, cleaned: dict, context: dict) -> None:
        raise NotImplementedError

    def field(self, name) -> ImportField:
        return next(f for f in self.fields if f.name == name)


_importers: dict[str, type[Importer]] = {}


def register_importer(cls):
    if not cls.code or not cls.permission or not cls.fields:
        raise ValueError(f"{cls.__name__} needs code, permission and fields")
    _importers[cls.code] = cls
    return cls


def get_importer(code) -> Importer:
    try:
        return _importers[code]()
    except KeyError:
        raise LookupError(f"No importer {code!r}") from None


def importers_for(user) -> list[Importer]:
    from civitas.core.permissions import has_perm

    return [cls() for _c, cls in sorted(_importers.items()) if has_perm(user, cls.permission)]


# --- Reading files ----------------------------------------------------------------------

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without BOM, else Windows-1252; else refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _("The file says it is UTF-8 but contains invalid bytes (position %(pos)s).")
                % {"pos": exc.start + 3}
            ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The file is not valid UTF-16 text.")) from exc
    if b"\x00" in data:
        raise ImportFileError(
            _("This is not a text (CSV) file. Save it as “CSV UTF-8” or as an Excel workbook.")
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file's encoding is not recognised (neither UTF-8 nor Windows-1252). "
                "Save it again as “CSV UTF-8”."
            )
        ) from exc
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    if controls:
        raise ImportFileError(
            _("This is not a text (CSV) file. Save it as “CSV UTF-8” or as an Excel workbook.")
        )
    return text, "cp1252"


def detect_delimiter(text: str) -> str:
    """Among ; , and tab: the one giving a constant number (> 1) of columns."""
    sample_lines = text.splitlines()[:50]
    sample = "\n".join(sample_lines)
    best, best_score = ";", (-1, -1)
    for delim in (";", ",", "\t"):
        try:
            widths = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=delim) if r]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for w in widths if w == widths[0])
        score = (consistent, widths[0])
        if score > best_score:
            best, best_score = delim, score
    return best


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file, values)
    encoding: str = ""
    delimiter: str = ""
    file_format: str = "csv"


def read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    headers = None
    try:
        line = 1
        for values in reader:
            if headers is None:
                headers = [h.strip() for h in values]
            elif any(v.strip() for v in values):
                rows.append((line, values))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file is malformed near line %(line)s: %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc
    return _checked(Table(headers or [], rows, encoding, delimiter, "csv"))


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    if data.startswith(OLE_MAGIC):
        raise ImportFileError(
            _("Old Excel files (.xls) are not supported: save the file as .xlsx or CSV.")
        )
    if not data.startswith(XLSX_MAGIC):
        raise ImportFileError(_("This file is not an Excel (.xlsx) workbook."))
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        headers, rows = None, []
        for index, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else _cell_text(v) for v in values]
            if headers is None:
                if not any(cells):
                    continue
                headers = [c.strip() for c in cells]
            elif any(c.strip() for c in cells):
                rows.append((index, cells))
        wb.close()
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError) as exc:
        raise ImportFileError(
            _("The Excel file is damaged or is not a valid .xlsx workbook (%(error)s).")
            % {"error": type(exc).__name__}
        ) from exc
    except Exception as exc:  # openpyxl raises many kinds on broken archives
        raise ImportFileError(
            _("The Excel file is damaged or is not a valid .xlsx workbook (%(error)s).")
            % {"error": type(exc).__name__}
        ) from exc
    return _checked(Table(headers or [], rows, "", "", "xlsx"))


def _cell_text(value) -> str:
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _checked(table: Table) -> Table:
    if not table.headers or not any(table.headers):
        raise ImportFileError(_("The file has no header line."))
    if len(table.rows) > conf.import_max_rows():
        raise ImportFileError(
            _("The file has %(n)s rows; at most %(max)s can be imported at once.")
            % {"n": len(table.rows), "max": conf.import_max_rows()}
        )
    return table


def read_table(data: bytes, name: str) -> Table:
    if len(data) > conf.import_max_bytes():
        raise ImportFileError(
            _("The file is too large (%(size)s bytes, at most %(max)s).")
            % {"size": len(data), "max": conf.import_max_bytes()}
        )
    lower = name.lower()
    if lower.endswith(".xlsx") or data.startswith(XLSX_MAGIC):
        return read_xlsx(data)
    if lower.endswith(".xls"):
        return read_xlsx(data)
    if lower.endswith((".csv", ".txt")):
        return read_csv(data)
    raise ImportFileError(_("Only CSV (.csv) and Excel (.xlsx) files can be imported."))


def auto_mapping(importer: Importer, headers: list[str]) -> dict[str, int | None]:
    """field name -> column index, matching normalised labels, names and aliases."""
    index = {}
    for i, h in enumerate(headers):
        index.setdefault(normalise(h), i)
    mapping = {}
    for f in importer.fields:
        candidates = [f.name, str(f.label), *f.aliases]
        mapping[f.name] = next(
            (index[normalise(c)] for c in candidates if normalise(c) in index), None
        )
    return mapping


# --- Checking and committing ------------------------------------------------------------


class _Rollback(Exception):
    pass


@dataclass
class Report:
    total: int = 0
    accepted: int = 0
    errors: list[dict] = field(default_factory=list)
    committed: bool = False

    def as_dict(self):
        return {
            "total": self.total,
            "accepted": self.accepted,
            "rejected": len({e["line"] for e in self.errors}),
            "errors": self.errors,
            "committed": self.committed,
        }


def _iter_cleaned(importer, table, mapping) -> Iterator[tuple[int, dict, list[RowError]]]:
    for line, values in table.rows:
        cleaned, errors = {}, []
        for f in importer.fields:
            col = mapping.get(f.name)
            raw = values[col] if col is not None and col < len(values) else ""
            try:
                cleaned[f.name] = f.clean(raw)
            except RowError as exc:
                exc.raw = raw
                errors.append(exc)
        yield line, cleaned, values, errors


def run(importer: Importer, table: Table, mapping: dict, user, *, commit: bool) -> Report:
    """Check (and with commit=True, write) every row in one transaction.

    Every row is really saved inside a savepoint so database-level problems show up in the
    dry run too; the dry run then rolls everything back. A commit rolls back as soon as the
    report holds one error: all or nothing.
    """
    missing = [str(f.label) for f in importer.fields if f.required and mapping.get(f.name) is None]
    if missing:
        raise ImportFileError(
            _("Choose a column for the required fields: %(fields)s.")
            % {"fields": ", ".join(missing)}
        )
    report = Report(total=len(table.rows))
    headers = table.headers

    def add(line, exc, values, col_name=None):
        name = col_name or exc.column
        col = mapping.get(name) if name else None
        report.errors.append(
            {
                "line": line,
                "field": str(importer.field(name).label) if name in mapping else "",
                "column": headers[col] if col is not None and col < len(headers) else "",
                "value": (
                    getattr(exc, "raw", None)
                    if getattr(exc, "raw", None) is not None
                    else (values[col] if col is not None and col < len(values) else "")
                ),
                "reason": exc.message,
            }
        )

    try:
        with transaction.atomic():
            context = importer.start(user)
            for line, cleaned, values, errors in _iter_cleaned(importer, table, mapping):
                if errors:
                    for exc in errors:
                        add(line, exc, values)
                    continue
                try:
                    with transaction.atomic():
                        importer.save_row(cleaned, context)
                except RowError as exc:
                    add(line, exc, values)
                    continue
                except IntegrityError as exc:
                    add(
                        line,
                        RowError(_("The database refused this row (%(error)s).") % {"error": exc}),
                        values,
                    )
                    continue
                except ValidationError as exc:
                    for name, messages in getattr(exc, "message_dict", {"": exc.messages}).items():
                        err = RowError(" ".join(messages), name if name in mapping else "")
                        add(line, err, values)
                    continue
                report.accepted += 1
            if not commit or report.errors:
                raise _Rollback
            report.committed = True
    except _Rollback:
        report.committed = False
    return report
