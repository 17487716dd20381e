"""The communes table: the shipped CSV of one département, or the official INSEE file."""

import csv
import io
from pathlib import Path

from django.db import transaction

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "communes-92.csv"


def read_rows(text: str):
    """(insee code, name, postal code) rows of a CSV with a header.

    Accepts the shipped format (`insee_code;name;postal_code`) and La Poste / INSEE's
    "base officielle des codes postaux" (`#Code_commune_INSEE;Nom_de_la_commune;
    Code_postal;...`), separated by ';' or ','."""
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lstrip("#").lower() for h in next(reader, [])]

    def col(*names):
        for n in names:
            if n in header:
                return header.index(n)
        raise ValueError(f"Missing column, one of {names}")

    i_code = col("insee_code", "code_commune_insee", "code_commune", "com")
    i_name = col("name", "nom_de_la_commune", "nom_commune", "libelle", "nom")
    i_postal = col("postal_code", "code_postal")
    for row in reader:
        if not row or len(row) <= max(i_code, i_name, i_postal):
            continue
        yield row[i_code].strip().zfill(5), row[i_name].strip(), row[i_postal].strip().zfill(5)


@transaction.atomic
def import_communes(text: str, Commune=None, department: str = "") -> tuple[int, int]:
    """Create or update the communes of `text` (only those of `department` if given).
    Returns (created, updated). Idempotent."""
    if Commune is None:
        from ..models import Commune
    created = updated = 0
    for code, name, postal in read_rows(text):
        if department and not code.startswith(department):
            continue
        obj, was_created = Commune.objects.get_or_create(
            insee_code=code, postal_code=postal, defaults={"name": name}
        )
        if was_created:
            created += 1
        elif obj.name != name:
            obj.name = name
            obj.save(update_fields=["name"])
            updated += 1
    return created, updated
