"""Output formats. Each writer streams rows: memory stays flat whatever the row count.

- CSV: UTF-8 with BOM, ``;`` separator, CRLF, as French Excel expects.
- XLSX: openpyxl in write-only mode (rows are flushed to a temporary file as they come).
- XML: the generic structure described by ``schema/civitas-export.xsd``.
- JSON: an array of objects, one object per row.

CSV protects against formula injection: a text value starting with ``= + - @`` (or a tab
/ carriage return) gets a leading apostrophe, unless it is a plain number such as a phone
number in E.164 (``+33612345678``), which no spreadsheet runs. XLSX stores every text value
as a string cell, which no spreadsheet evaluates: the value stays exactly as it is. XLSX
files have a frozen header row, filters on every column and column widths from the content.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone
from django.utils.translation import gettext as _

XSD_PATH = Path(__file__).resolve().parent / "schema" / "civitas-export.xsd"
XML_NAMESPACE = "https://civitas.example/ns/export/1"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot carry at all.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d .]*")


def neutralise(value: str) -> str:
    """Defuse spreadsheet formulas in CSV text cells (plain numbers such as phone numbers
    are left as they are: they compute nothing)."""
    if value and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _local(value: dt.datetime) -> dt.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value


def as_text(value) -> str:
    """Value for CSV: text, dates in ISO 8601, decimals with a comma (French Excel)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return _local(value).replace(microsecond=0, tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return ", ".join(as_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return neutralise(str(value))


def as_json(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return _local(value).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    return str(value)


def as_xml_text(value) -> tuple[str, str]:
    """(xsd type name, lexical value)."""
    if value is None:
        return "empty", ""
    if isinstance(value, bool):
        return "boolean", "true" if value else "false"
    if isinstance(value, int):
        return "integer", str(value)
    if isinstance(value, float | Decimal):
        return "decimal", str(value)
    if isinstance(value, dt.datetime):
        return "dateTime", _local(value).isoformat()
    if isinstance(value, dt.date):
        return "date", value.isoformat()
    if isinstance(value, list | tuple | dict):
        return "string", json.dumps(as_json(value), ensure_ascii=False)
    return "string", str(value)


class Writer:
    """Base writer: `write(fileobj, ...)` writes the whole file to a binary file object."""

    code = ""
    label = ""
    extension = ""
    content_type = "application/octet-stream"
    streamable = True

    def chunks(self, meta: dict, keys, headers, rows: Iterable[list]) -> Iterator[bytes]:
        raise NotImplementedError

    def write(self, fileobj, meta, keys, headers, rows) -> None:
        buffer = []
        size = 0
        for chunk in self.chunks(meta, keys, headers, rows):
            buffer.append(chunk)
            size += len(chunk)
            if size > 65536:
                fileobj.write(b"".join(buffer))
                buffer, size = [], 0
        fileobj.write(b"".join(buffer))


class _Line:
    def __init__(self):
        self.value = ""

    def write(self, value):
        self.value = value


class CSVWriter(Writer):
    code = "csv"
    label = "CSV"
    extension = "csv"
    content_type = "text/csv; charset=utf-8"

    def chunks(self, meta, keys, headers, rows):
        line = _Line()
        writer = csv.writer(line, delimiter=";", lineterminator="\r\n")
        writer.writerow([neutralise(h) for h in headers])
        yield ("\ufeff" + line.value).encode()
        batch = []
        for values in rows:
            writer.writerow([as_text(v) for v in values])
            batch.append(line.value)
            if len(batch) >= 500:
                yield "".join(batch).encode()
                batch = []
        if batch:
            yield "".join(batch).encode()


class JSONWriter(Writer):
    code = "json"
    label = "JSON"
    extension = "json"
    content_type = "application/json"

    def chunks(self, meta, keys, headers, rows):
        yield b"["
        first = True
        for values in rows:
            obj = {k: as_json(v) for k, v in zip(keys, values, strict=False)}
            text = json.dumps(obj, ensure_ascii=False)
            yield (("\n" if first else ",\n") + text).encode()
            first = False
        yield b"\n]\n"


class XMLWriter(Writer):
    code = "xml"
    label = "XML"
    extension = "xml"
    content_type = "application/xml"

    @staticmethod
    def _clean(text: str) -> str:
        return _XML_ILLEGAL.sub("", text)

    def chunks(self, meta, keys, headers, rows):
        c = self._clean
        yield (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<export xmlns="{XML_NAMESPACE}" code={quoteattr(c(meta["code"]))} '
            f"label={quoteattr(c(str(meta['label'])))} "
            f'generated={quoteattr(meta["generated"])} version="1">\n'
            "  <columns>\n"
        ).encode()
        yield "".join(
            f"    <column name={quoteattr(c(k))} label={quoteattr(c(h))}/>\n"
            for k, h in zip(keys, headers, strict=False)
        ).encode()
        yield b"  </columns>\n  <rows>\n"
        batch = []
        for values in rows:
            parts = ["    <row>"]
            for key, value in zip(keys, values, strict=False):
                kind, text = as_xml_text(value)
                if kind == "empty":
                    parts.append(f'<field name={quoteattr(key)} empty="true"/>')
                else:
                    parts.append(
                        f'<field name={quoteattr(key)} type="{kind}">{escape(c(text))}</field>'
                    )
            parts.append("</row>\n")
            batch.append("".join(parts))
            if len(batch) >= 500:
                yield "".join(batch).encode()
                batch = []
        if batch:
            yield "".join(batch).encode()
        yield b"  </rows>\n</export>\n"


class XLSXWriter(Writer):
    code = "xlsx"
    label = "Excel (XLSX)"
    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    streamable = False
    # Rows read before the column widths are set (a write-only sheet needs them first).
    WIDTH_SAMPLE = 200
    MAX_WIDTH = 60

    @staticmethod
    def cell(value):
        if value is None:
            return None
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, dt.datetime):
            return _local(value).replace(tzinfo=None)
        if isinstance(value, dt.date | dt.time | int | float | Decimal):
            return value
        if isinstance(value, list | tuple | dict):
            return as_text(value).lstrip("'")
        return XMLWriter._clean(str(value))

    @staticmethod
    def _text_cell(ws, value):
        """A string cell: never evaluated as a formula, shown exactly as it is."""
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell

    def write(self, fileobj, meta, keys, headers, rows):
        from itertools import islice

        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=str(meta.get("sheet") or "Export")[:31])
        rows = iter(rows)
        sample = [[self.cell(v) for v in values] for values in islice(rows, self.WIDTH_SAMPLE)]
        for i, header in enumerate(headers):
            longest = max(
                [len(str(header))]
                + [len(str(r[i])) for r in sample if i < len(r) and r[i] is not None],
            )
            ws.column_dimensions[get_column_letter(i + 1)].width = min(longest + 2, self.MAX_WIDTH)
        bold = Font(bold=True)
        header_cells = []
        for h in headers:
            cell = self._text_cell(ws, str(h))
            cell.font = bold
            header_cells.append(cell)
        ws.freeze_panes = "A2"
        count = 0

        def out(cells):
            return [self._text_cell(ws, c) if isinstance(c, str) else c for c in cells]

        ws.append(header_cells)
        for cells in sample:
            ws.append(out(cells))
            count += 1
        for values in rows:
            ws.append(out([self.cell(v) for v in values]))
            count += 1
        if headers:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
        wb.save(fileobj)


WRITERS: dict[str, type[Writer]] = {
    w.code: w for w in (CSVWriter, XLSXWriter, XMLWriter, JSONWriter)
}
FORMAT_CHOICES = [(code, cls.label) for code, cls in WRITERS.items()]
# Not a writer: a saved report's A4 landscape table (reports.render_report_pdf), which a
# report's schedule may choose too.
PDF = "pdf"


def get_writer(code: str) -> Writer:
    try:
        return WRITERS[code]()
    except KeyError:
        raise LookupError(f"Unknown export format {code!r}") from None
