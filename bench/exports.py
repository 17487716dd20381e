"""Benchmark: export 10,000 rows to CSV, XLSX, XML (and JSON): seconds and peak memory.

Each case runs in its own subprocess so peak figures do not leak between cases.
Civitas' streaming writers are compared with the naive approach (whole file built in
memory; openpyxl in normal mode).

    .venv/bin/python bench/exports.py [--rows 10000]
"""

import argparse
import datetime as dt
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = [
    ("csv", "civitas", "streaming writer"),
    ("csv", "naive", "csv into StringIO"),
    ("xlsx", "civitas", "openpyxl write-only"),
    ("xlsx", "naive", "openpyxl normal mode"),
    ("xml", "civitas", "streaming writer"),
    ("xml", "naive", "ElementTree in memory"),
    ("json", "civitas", "streaming writer"),
    ("json", "naive", "json.dumps(list)"),
]


def setup_django():
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings.test")
    import django

    django.setup()


def make_exporter(n):
    from civitas.core.exports.registry import Exporter

    base = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)

    class BenchExporter(Exporter):
        code = "bench.rows"
        label = "Benchmark"
        permission = "core.view_journal"
        columns = [
            ("id", "Numéro"),
            ("time", "Horodatage"),
            ("actor", "Agent"),
            ("ip", "Adresse IP"),
            ("action", "Action"),
            ("object", "Objet"),
            ("amount", "Montant"),
            ("active", "Actif"),
            ("note", "Note"),
            ("hash", "Empreinte"),
        ]

        def queryset(self, user, params):
            return range(n)

        def row(self, i):
            return {
                "id": i,
                "time": base + dt.timedelta(minutes=i),
                "actor": f"agent{i % 97}@mairie-exemple.fr",
                "ip": f"192.0.2.{i % 250}",
                "action": "export.participants",
                "object": f"Dossier n°{i} « Élève » ; suivi",
                "amount": Decimal(i) / 100,
                "active": i % 2 == 0,
                "note": "=1+1" if i % 10 == 0 else "ligne 1\nligne 2",
                "hash": f"{i:064x}",
            }

    return BenchExporter()


def naive(fmt, exporter, rows, out_path):
    from civitas.core.exports.writers import as_json, as_text, as_xml_text

    keys, headers = exporter.keys(), exporter.headers()
    if fmt == "csv":
        import csv

        buf = io.StringIO()
        w = csv.writer(buf, delimiter=";")
        w.writerow(headers)
        all_rows = list(rows)
        for values in all_rows:
            w.writerow([as_text(v) for v in values])
        Path(out_path).write_bytes(("\ufeff" + buf.getvalue()).encode())
    elif fmt == "xlsx":
        from openpyxl import Workbook

        from civitas.core.exports.writers import XLSXWriter

        wb = Workbook()
        ws = wb.active
        ws.append(headers)
        for values in rows:
            ws.append([XLSXWriter.cell(v) for v in values])
        wb.save(out_path)
    elif fmt == "xml":
        import xml.etree.ElementTree as ET  # noqa: S405 (writing only)

        root = ET.Element("export", code=exporter.code)
        rows_el = ET.SubElement(root, "rows")
        for values in rows:
            row = ET.SubElement(rows_el, "row")
            for k, v in zip(keys, values, strict=False):
                kind, text = as_xml_text(v)
                f = ET.SubElement(row, "field", name=k, type=kind)
                f.text = text
        Path(out_path).write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    else:
        data = [{k: as_json(v) for k, v in zip(keys, values, strict=False)} for values in rows]
        Path(out_path).write_bytes(json.dumps(data, ensure_ascii=False).encode())


def run_case(fmt, variant, n, trace):
    """One export; with trace=True only the tracemalloc peak is meaningful (it slows Python)."""
    setup_django()
    from civitas.core.exports import services
    from civitas.core.exports.writers import get_writer

    exporter = make_exporter(n)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"out.{fmt}"
        if trace:
            tracemalloc.start()
        t0, c0 = time.perf_counter(), time.process_time()
        rows = services.rows(exporter, exporter.queryset(None, {}))
        if variant == "civitas":
            with open(out, "wb") as fh:
                services.write_to_file(exporter, get_writer(fmt), range(n), fh)
        else:
            naive(fmt, exporter, rows, out)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
        size = out.stat().st_size
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu": cpu,
                "peak_mb": peak / 1e6,
                "rss_growth_mb": max(0, rss_after - rss_before) / 1024,
                "size_mb": size / 1e6,
            }
        )
    )


def measure(fmt, variant, n, trace):
    args = [sys.executable, __file__, "--rows", str(n), "--case", fmt, variant]
    if trace:
        args.append("--trace")
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--case", nargs=2, metavar=("FORMAT", "VARIANT"))
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    if args.case:
        run_case(args.case[0], args.case[1], args.rows, args.trace)
        return
    print(f"Export of {args.rows} rows x 10 columns (Python {sys.version.split()[0]})")
    header = (
        f"| {'format':6} | {'variant':8} | {'method':22} | {'wall s':>7} | {'CPU s':>6} "
        f"| {'peak MB (tracemalloc)':>21} | {'RSS growth MB':>13} | {'file MB':>7} |"
    )
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for fmt, variant, method in CASES:
        timed = measure(fmt, variant, args.rows, trace=False)
        traced = measure(fmt, variant, args.rows, trace=True)
        print(
            f"| {fmt:6} | {variant:8} | {method:22} | {timed['seconds']:7.2f} "
            f"| {timed['cpu']:6.2f} | {traced['peak_mb']:21.1f} "
            f"| {timed['rss_growth_mb']:13.1f} | {timed['size_mb']:7.2f} |"
        )


if __name__ == "__main__":
    main()
