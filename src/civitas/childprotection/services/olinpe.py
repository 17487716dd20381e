"""OLINPE: the yearly pseudonymised transmission to ONPE and DREES (CASF D226-3-1 ff.,
annex 2-8).

The identifier NUMANONYM is derived irreversibly from the child's first name, birth month
and year and the mother's birth name (D226-3-4). The official procedure is distributed by
DREES/ONPE and is not public: it is one pluggable function, `CIVITAS_OLINPE_PSEUDONYM`
(dotted path of a callable `(first_name, birth_month, birth_year, mother_birth_name) ->
str`). The default is HMAC-SHA-256 keyed by `CIVITAS_OLINPE_KEY` (environment) over the
normalised parts: upper case, accents removed, only letters A-Z kept, first given name only
(`normalise`); month on two digits, year on four.

NUMANONYMANT is the identifier the same child received at the previous extraction, as stored
then: changing the key, the function or correcting a mother's name keeps the link between
years.
"""

import csv
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ..models import Child, OlinpeIdentifier, Sex

COLUMNS = [
    "NUMDEP",
    "NUMANONYM",
    "NUMANONYMANT",
    "TYPEV",
    "DATEV",
    "SEXE",
    "ANAIS",
    "MNAIS",
    "ORIGIP",
    "MOTIP",
    "DECIP",
    "DATDECIP",
    "CSPPERE",
    "CSPMERE",
    "LIEUVIE",
    "DANGERGI",
]
# TYPEV: kind of event of the child's path; an IP received is event "1" here.
TYPEV_IP = "1"
SEXE = {Sex.MALE: "1", Sex.FEMALE: "2", Sex.UNKNOWN: "9"}


def normalise(text: str, first_word=False) -> str:
    """Upper case A-Z only: accents removed, spaces, hyphens, apostrophes dropped."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    text = text.replace("Œ", "OE").replace("Æ", "AE")
    if first_word:
        parts = re.split(r"[\s,]+", text.strip())
        text = parts[0] if parts else ""
    return re.sub(r"[^A-Z]", "", text)


def hmac_pseudonym(first_name: str, birth_month: int, birth_year: int, mother: str) -> str:
    key = getattr(settings, "CIVITAS_OLINPE_KEY", "") or ""
    if not key:
        raise ImproperlyConfigured("Set CIVITAS_OLINPE_KEY to compute the OLINPE identifiers")
    message = "|".join(
        [
            normalise(first_name, first_word=True),
            f"{birth_month:02d}",
            f"{birth_year:04d}",
            normalise(mother),
        ]
    )
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest().upper()


def pseudonym_function():
    path = getattr(settings, "CIVITAS_OLINPE_PSEUDONYM", "") or ""
    return import_string(path) if path else hmac_pseudonym


@dataclass
class Extraction:
    year: int
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # (file number, child id, field, message)


def _children(year: int):
    return (
        Child.objects.filter(file__deleted_at__isnull=True, file__received_at__year=year)
        .select_related("file__source", "conclusion", "father_pcs", "mother_pcs", "living_place")
        .prefetch_related("danger_types")
        .order_by("file__received_at", "pk")
    )


def check(child, received: date) -> list[tuple[str, str]]:
    """Missing or inconsistent fields of one child, as (variable, message)."""
    problems = []
    if not normalise(child.first_name):
        problems.append(("NUMANONYM", "prénom manquant"))
    if not child.birth_date:
        problems.append(("ANAIS", "date de naissance manquante"))
    if not normalise(child.mother_birth_name):
        problems.append(("NUMANONYM", "nom de naissance de la mère manquant"))
    if child.sex == Sex.UNKNOWN:
        problems.append(("SEXE", "sexe inconnu"))
    if child.birth_date and child.birth_date > received:
        problems.append(("ANAIS", "naissance après la réception de l'information"))
    if child.birth_date and (received.year - child.birth_date.year) > 18:
        problems.append(("ANAIS", "majeur à la réception de l'information"))
    if not child.file.source_id:
        problems.append(("ORIGIP", "origine de l'information manquante"))
    if not child.danger_types.all():
        problems.append(("MOTIP", "motif de danger manquant"))
    if child.conclusion_id and not child.conclusion_on:
        problems.append(("DATDECIP", "date de conclusion manquante"))
    if child.conclusion_on and child.conclusion_on < received:
        problems.append(("DATDECIP", "conclusion antérieure à la réception"))
    if not child.conclusion_id:
        problems.append(("DECIP", "pas encore de conclusion"))
    if not child.father_pcs_id or not child.mother_pcs_id:
        problems.append(("CSPPERE/CSPMERE", "catégorie socioprofessionnelle manquante"))
    return problems


@transaction.atomic
def extract(year: int, *, store=True) -> Extraction:
    """Build the year's rows and quality report; with `store`, remember each child's
    identifier for next year's NUMANONYMANT (re-running the same year replaces it)."""
    department = getattr(settings, "CIVITAS_CHILDPROTECTION_DEPARTMENT", "") or ""
    pseudonym = pseudonym_function()
    result = Extraction(year)
    children = list(_children(year))
    previous = {}
    for row in (
        OlinpeIdentifier.objects.filter(child__in=children, year__lt=year)
        .order_by("child_id", "year")
        .values_list("child_id", "numanonym")
    ):
        previous[row[0]] = row[1]  # latest earlier year wins (ordered by year)
    for child in children:
        received = timezone.localtime(child.file.received_at).date()
        for variable, message in check(child, received):
            result.problems.append((child.file.number, child.pk, variable, message))
        numanonym = ""
        if child.birth_date and normalise(child.first_name) and normalise(child.mother_birth_name):
            numanonym = pseudonym(
                child.first_name,
                child.birth_date.month,
                child.birth_date.year,
                child.mother_birth_name,
            )
            if store:
                OlinpeIdentifier.objects.update_or_create(
                    child=child, year=year, defaults={"numanonym": numanonym}
                )
        result.rows.append(
            {
                "NUMDEP": department,
                "NUMANONYM": numanonym,
                "NUMANONYMANT": previous.get(child.pk, "") or _earlier_by_link(child, year),
                "TYPEV": TYPEV_IP,
                "DATEV": received.strftime("%Y%m%d"),
                "SEXE": SEXE.get(child.sex, "9"),
                "ANAIS": f"{child.birth_date.year:04d}" if child.birth_date else "",
                "MNAIS": f"{child.birth_date.month:02d}" if child.birth_date else "",
                "ORIGIP": child.file.source.code if child.file.source_id else "",
                "MOTIP": ",".join(sorted(d.code for d in child.danger_types.all())),
                "DECIP": child.conclusion.code if child.conclusion_id else "",
                "DATDECIP": child.conclusion_on.strftime("%Y%m%d") if child.conclusion_on else "",
                "CSPPERE": child.father_pcs.code if child.father_pcs_id else "",
                "CSPMERE": child.mother_pcs.code if child.mother_pcs_id else "",
                "LIEUVIE": child.living_place.code if child.living_place_id else "",
                "DANGERGI": "1" if child.file.serious_danger else "0",
            }
        )
    return result


def _earlier_by_link(child, year) -> str:
    """A child recorded again in a new file (linked by "previous file" and same identity)
    keeps the identifier given to the earlier record."""
    if not child.previous_file_id:
        return ""
    earlier = (
        OlinpeIdentifier.objects.filter(
            child__file_id=child.previous_file_id,
            child__search_name=child.search_name,
            year__lt=year,
        )
        .order_by("-year")
        .values_list("numanonym", flat=True)
        .first()
    )
    return earlier or ""


def write(extraction: Extraction, out_dir: Path) -> tuple[Path, Path]:
    department = getattr(settings, "CIVITAS_CHILDPROTECTION_DEPARTMENT", "") or "XX"
    out_dir.mkdir(parents=True, exist_ok=True)
    data = out_dir / f"olinpe_{department}_{extraction.year}.csv"
    report = out_dir / f"olinpe_{department}_{extraction.year}_qualite.csv"
    with data.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerows(extraction.rows)
    with report.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["dossier", "enfant", "variable", "probleme"])
        writer.writerows(extraction.problems)
    return data, report
