"""Every format written then parsed back, with awkward values."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import defusedxml.ElementTree as ET
import openpyxl
import pytest
from lxml import etree

from civitas.core.exports import services
from civitas.core.exports.registry import Exporter
from civitas.core.exports.writers import XML_NAMESPACE, XSD_PATH, get_writer

ROWS = [
    {
        "name": 'Élodie Ærø; «guillemets» "doubles"',
        "note": "ligne 1\nligne 2",
        "formula": '=HYPERLINK("http://evil")',
        "amount": Decimal("1234.50"),
        "count": 3,
        "when": dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC),
        "day": dt.date(2026, 3, 1),
        "flag": True,
        "empty": None,
    },
    {
        "name": "+33 6 12 34 56 78",
        "note": "@SUM(A1)",
        "formula": "-2+3",
        "amount": Decimal("-5"),
        "count": -7,
        "when": None,
        "day": None,
        "flag": False,
        "empty": "ctrl\x01char",
    },
]


class SampleExporter(Exporter):
    code = "tests.sample"
    label = "Échantillon"
    permission = "core.view_journal"
    columns = [
        ("name", "Nom ; prénom"),
        ("note", "Note"),
        ("formula", "Formule"),
        ("amount", "Montant"),
        ("count", "Nombre"),
        ("when", "Horodatage"),
        ("day", "Jour"),
        ("flag", "Actif"),
        ("empty", "Vide"),
    ]

    def queryset(self, user, params):
        return ROWS

    def row(self, obj):
        return obj


def produce(fmt):
    exporter = SampleExporter()
    writer = get_writer(fmt)
    buf = io.BytesIO()
    services.write_to_file(exporter, writer, exporter.queryset(None, {}), buf)
    return buf.getvalue()


def test_csv_round_trip():
    data = produce("csv")
    assert data.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][0] == "Nom ; prénom"
    first, second = rows[1], rows[2]
    assert first[0] == ROWS[0]["name"]
    assert first[1] == "ligne 1\nligne 2"
    assert first[2] == '\'=HYPERLINK("http://evil")'  # formula neutralised
    assert first[3] == "1234,50"  # French decimal comma
    assert first[4] == "3"
    assert first[5].startswith("2026-03-01 10:30")  # Europe/Paris local time
    assert first[6] == "2026-03-01"
    assert first[8] == ""
    assert second[0] == "+33 6 12 34 56 78"  # a phone number computes nothing: as typed
    assert second[1] == "'@SUM(A1)"
    assert second[2] == "'-2+3"
    assert second[3] == "-5"  # numbers are not text: no apostrophe
    assert second[4] == "-7"
    assert len(rows) == 3
    assert b"\r\n" in data


def test_xlsx_round_trip():
    wb = openpyxl.load_workbook(io.BytesIO(produce("xlsx")))
    ws = wb.active
    values = list(ws.iter_rows(values_only=True))
    assert values[0][0] == "Nom ; prénom"
    assert ws["A1"].font.b
    first, second = values[1], values[2]
    assert first[0] == ROWS[0]["name"]
    assert first[1] == "ligne 1\nligne 2"
    # Text cells are string cells: shown exactly as typed, never evaluated.
    assert first[2] == '=HYPERLINK("http://evil")'
    assert ws["C2"].data_type == "s"  # no formula stored anywhere
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert first[3] == pytest.approx(1234.5)
    assert first[4] == 3
    assert first[5] == dt.datetime(2026, 3, 1, 10, 30)
    assert first[8] is None
    assert second[0] == "+33 6 12 34 56 78"
    assert second[1] == "@SUM(A1)"
    assert second[2] == "-2+3"
    assert second[4] == -7
    assert second[8] == "ctrlchar"  # control characters cannot live in XLSX
    # Frozen header, filters on every column, widths from the content.
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}3"
    assert ws.column_dimensions["A"].width >= len("Nom ; prénom")


def test_xml_round_trip_and_schema():
    data = produce("xml")
    schema = etree.XMLSchema(etree.parse(str(XSD_PATH)))
    doc = etree.fromstring(data)
    schema.assertValid(doc)
    ns = {"c": XML_NAMESPACE}
    root = ET.fromstring(data)
    assert root.get("code") == "tests.sample"
    assert root.get("label") == "Échantillon"
    columns = root.findall("c:columns/c:column", ns)
    assert [c.get("label") for c in columns][0] == "Nom ; prénom"
    rows = root.findall("c:rows/c:row", ns)
    assert len(rows) == 2
    fields = {f.get("name"): f for f in rows[0].findall("c:field", ns)}
    assert fields["name"].text == ROWS[0]["name"]
    assert fields["note"].text == "ligne 1\nligne 2"
    assert fields["formula"].text == '=HYPERLINK("http://evil")'  # XML keeps data as is
    assert fields["amount"].get("type") == "decimal" and fields["amount"].text == "1234.50"
    assert fields["count"].get("type") == "integer"
    assert fields["when"].get("type") == "dateTime"
    assert dt.datetime.fromisoformat(fields["when"].text) == ROWS[0]["when"]
    assert fields["flag"].text == "true"
    assert fields["empty"].get("empty") == "true"
    second = {f.get("name"): f for f in rows[1].findall("c:field", ns)}
    assert second["empty"].text == "ctrlchar"


def test_json_round_trip():
    data = json.loads(produce("json").decode())
    assert len(data) == 2
    assert data[0]["name"] == ROWS[0]["name"]
    assert data[0]["note"] == "ligne 1\nligne 2"
    assert data[0]["formula"] == '=HYPERLINK("http://evil")'
    assert data[0]["amount"] == "1234.50"
    assert data[0]["count"] == 3
    assert dt.datetime.fromisoformat(data[0]["when"]) == ROWS[0]["when"]
    assert data[0]["flag"] is True
    assert data[0]["empty"] is None
    assert data[1]["empty"] == "ctrl\x01char"


def test_empty_export_is_valid_everywhere():
    class Empty(SampleExporter):
        def queryset(self, user, params):
            return []

    for fmt in ("csv", "xlsx", "xml", "json"):
        buf = io.BytesIO()
        exporter = Empty()
        services.write_to_file(exporter, get_writer(fmt), [], buf)
        data = buf.getvalue()
        if fmt == "json":
            assert json.loads(data) == []
        elif fmt == "xml":
            etree.XMLSchema(etree.parse(str(XSD_PATH))).assertValid(etree.fromstring(data))
        elif fmt == "xlsx":
            ws = openpyxl.load_workbook(io.BytesIO(data)).active
            assert ws.max_row == 1
        else:
            assert data.decode("utf-8-sig").count("\r\n") == 1
