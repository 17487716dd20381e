"""Reversibility: a complete, documented archive of the organisation's data.

    export_all(Path("/srv/archive"))

writes::

    tables/<app_label>.<model>.csv and .json   one pair per database table (every model)
    documents/...                              copy of the uploaded files (MEDIA_ROOT)
    schema.md, schema.json                     description of tables and columns
    manifest.json                              rows per table, SHA-256 per file, date, version
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import environ
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

from .services import csv_cell, jsonable

CHUNK = 2000


def excluded_media_dirs() -> list[str]:
    """Top-level MEDIA_ROOT folders left out (job results: earlier archives and exports)."""
    default = environ.Env().list("CIVITAS_EXPORT_ALL_EXCLUDE_MEDIA", default=["jobs"])
    return list(getattr(settings, "CIVITAS_EXPORT_ALL_EXCLUDE_MEDIA", default))


def civitas_version() -> str:
    try:
        return importlib.metadata.version("civitas")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def exported_models() -> list:
    """Every concrete model with a table in the database (auto-created M2M tables too)."""
    tables = set(connection.introspection.table_names())
    out, seen = [], set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or meta.abstract or meta.db_table in seen:
            continue
        if meta.db_table not in tables:
            continue
        seen.add(meta.db_table)
        out.append(model)
    return sorted(out, key=lambda m: m._meta.label_lower)


def file_name(model) -> str:
    return model._meta.label_lower


def columns(model):
    return list(model._meta.local_concrete_fields)


def describe(model, rows: int) -> dict:
    meta = model._meta
    cols = []
    for f in columns(model):
        col = {
            "name": f.attname,
            "column": f.column,
            "type": f.get_internal_type(),
            "db_type": f.db_type(connection) or "",
            "null": f.null,
            "primary_key": f.primary_key,
            "verbose_name": str(getattr(f, "verbose_name", "") or ""),
            "help_text": str(getattr(f, "help_text", "") or ""),
        }
        if f.is_relation and f.related_model is not None:
            target = f.target_field
            col["references"] = f"{f.related_model._meta.db_table}.{target.column}"
            col["references_model"] = f.related_model._meta.label_lower
        if getattr(f, "choices", None):
            col["choices"] = [[jsonable(k), str(v)] for k, v in f.flatchoices]
        cols.append(col)
    return {
        "model": meta.label_lower,
        "table": meta.db_table,
        "verbose_name": str(meta.verbose_name),
        "verbose_name_plural": str(meta.verbose_name_plural),
        "primary_key": meta.pk.attname,
        "rows": rows,
        "columns": cols,
        "files": [f"tables/{file_name(model)}.csv", f"tables/{file_name(model)}.json"],
    }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_PLAIN = (str, int, float, bool)


def export_value(field, value):
    """A JSON-ready form of `value` read from `field`, whatever the field type.

    Values Django returns as rich Python objects (Wagtail's StreamValue, rich text, arrays of
    decimals, third-party types) go back through the field's own `get_prep_value`, which gives
    what the database stores; anything still unknown becomes its text.
    """
    if value is None or isinstance(value, _PLAIN):
        return value
    converted = jsonable(value)
    if converted is not value:
        return converted
    if isinstance(value, list | tuple):
        return [export_value(None, v) for v in value]
    if isinstance(value, dict):
        return {str(k): export_value(None, v) for k, v in value.items()}
    if field is not None:
        prep = field.get_prep_value(value)
        if prep is not value:
            if isinstance(prep, str) and field.get_internal_type() in ("JSONField", "TextField"):
                try:
                    return json.loads(prep)
                except ValueError:
                    return prep
            return export_value(None, prep)
    return str(value)


def export_table(model, tables_dir: Path) -> int:
    """Stream one table to CSV and JSON. Returns the number of rows written."""
    cols = columns(model)
    names = [f.attname for f in cols]
    name = file_name(model)
    qs = model._base_manager.order_by(model._meta.pk.attname).values_list(*names)
    rows = 0
    with (
        (tables_dir / f"{name}.csv").open("w", encoding="utf-8", newline="") as fcsv,
        (tables_dir / f"{name}.json").open("w", encoding="utf-8") as fjson,
    ):
        writer = csv.writer(fcsv)
        writer.writerow(names)
        fjson.write("[")
        for raw in qs.iterator(chunk_size=CHUNK):
            values = [export_value(f, v) for f, v in zip(cols, raw, strict=True)]
            writer.writerow([csv_cell(v) for v in values])
            record = dict(zip(names, values, strict=True))
            fjson.write(("\n" if rows == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
            rows += 1
        fjson.write("\n]\n")
    return rows


def copy_documents(target: Path) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    copied = []
    if not root.is_dir():
        return copied
    excluded = set(excluded_media_dirs())
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        if rel_dir == Path("."):
            dirnames[:] = [d for d in dirnames if d not in excluded]
        for name in filenames:
            src = Path(dirpath) / name
            dest = target / rel_dir / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
            copied.append(dest)
    return copied


SCHEMA_MD_HEAD = """# Description des données — Civitas {version}

Archive générée le {when}. Chaque table est fournie en deux fichiers : `tables/<modèle>.csv`
(UTF-8, séparateur virgule, première ligne = noms des colonnes) et `tables/<modèle>.json`
(tableau d'objets). Les clés étrangères sont données par identifiant (colonne `..._id`), les
fichiers par leur chemin relatif dans `documents/`. `manifest.json` donne le nombre de lignes
de chaque table et l'empreinte SHA-256 de chaque fichier.

"""


def write_schema(target: Path, described: list[dict], when: str) -> None:
    (target / "schema.json").write_text(
        json.dumps({"generated_at": when, "tables": described}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    lines = [SCHEMA_MD_HEAD.format(version=civitas_version(), when=when)]
    for t in described:
        lines.append(f"## {t['model']} — {t['verbose_name']}\n")
        lines.append(f"Table `{t['table']}`, {t['rows']} ligne(s), clé `{t['primary_key']}`.\n")
        lines.append("| colonne | type | vide permis | description | référence |")
        lines.append("|---|---|---|---|---|")
        for c in t["columns"]:
            desc = c["verbose_name"]
            if c["help_text"]:
                desc += f" — {c['help_text']}"
            if c.get("choices"):
                desc += " (valeurs : " + ", ".join(f"{k} = {v}" for k, v in c["choices"]) + ")"
            desc = desc.replace("|", "\\|").replace("\n", " ")
            lines.append(
                f"| `{c['name']}` | {c['type']} | {'oui' if c['null'] else 'non'} | {desc} "
                f"| {c.get('references', '')} |"
            )
        lines.append("")
    (target / "schema.md").write_text("\n".join(lines), encoding="utf-8")


def export_all(target: Path, progress: Callable[[float, str], None] | None = None) -> dict:
    """Write the complete archive into `target` (created if needed). Returns the manifest."""
    target = Path(target)
    tables_dir = target / "tables"
    tables_dir.mkdir(parents=True, exist_ok=True)
    when = timezone.now().isoformat(timespec="seconds")
    models_ = exported_models()
    described, manifest_tables = [], {}
    for i, model in enumerate(models_):
        if progress:
            progress(0.9 * i / max(1, len(models_)), model._meta.label_lower)
        rows = export_table(model, tables_dir)
        described.append(describe(model, rows))
        name = file_name(model)
        manifest_tables[model._meta.label_lower] = {
            "table": model._meta.db_table,
            "rows": rows,
            "files": {
                f"tables/{name}.csv": _sha256(tables_dir / f"{name}.csv"),
                f"tables/{name}.json": _sha256(tables_dir / f"{name}.json"),
            },
        }
    if progress:
        progress(0.9, "documents")
    docs = copy_documents(target / "documents")
    write_schema(target, described, when)
    manifest = {
        "generated_at": when,
        "civitas_version": civitas_version(),
        "database": connection.vendor,
        "tables": manifest_tables,
        "documents": {
            str(p.relative_to(target)).replace(os.sep, "/"): _sha256(p) for p in sorted(docs)
        },
        "documents_excluded": excluded_media_dirs(),
        "schema": {"schema.md": _sha256(target / "schema.md"), "schema.json": ""},
    }
    manifest["schema"]["schema.json"] = _sha256(target / "schema.json")
    (target / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return manifest


def zip_dir(source: Path, zip_path: Path) -> None:
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(source).as_posix())
