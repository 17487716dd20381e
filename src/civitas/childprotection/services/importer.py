"""Import of the former Access application, from a documented CSV export (docs/admin/
protection-enfance.md "Reprise des données Access").

One row per child; the columns of the file are repeated on each child of the same file
(`ancien_id`). All-or-nothing: every row is checked first; if one is rejected nothing is
written, and the report gives each rejected row with its reasons. Idempotent: a file whose
`ancien_id` was already imported is skipped. `dry_run` checks without writing.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from civitas.core import journal
from civitas.core.models import Unit

from ..models import (
    Channel,
    Child,
    Commune,
    ConclusionType,
    DangerType,
    File,
    FileType,
    Source,
)
from . import files as file_services

COLUMNS = [
    "ancien_id", "date_reception", "territoire", "type_dossier", "canal", "origine",
    "danger_grave", "sip", "violence_conjugale", "numero_snated", "statut", "expose",
    "enfant_nom", "enfant_prenom", "enfant_sexe", "enfant_naissance", "mere_nom_naissance",
    "commune_insee", "code_postal", "numero", "voie", "motifs", "conclusion",
    "date_conclusion",
]  # fmt: skip
REQUIRED = ["ancien_id", "date_reception", "territoire", "enfant_nom", "enfant_prenom"]
STATUSES = {"": "open", "en cours": "open", "evaluation": "evaluation", "clos": "closed"}


@dataclass
class Report:
    rows: int = 0
    files_created: int = 0
    children_created: int = 0
    skipped_files: int = 0
    rejected: list = field(default_factory=list)  # (line, ancien_id, reasons)
    written: bool = False


def _date(text):
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _datetime(text):
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return timezone.make_aware(datetime.strptime(text, fmt))
        except ValueError:
            continue
    raise ValueError(text)


def _bool(text):
    value = (text or "").strip().lower()
    if value in ("", "0", "non", "faux", "false"):
        return False
    if value in ("1", "oui", "vrai", "true", "-1"):  # Access writes -1 for True
        return True
    raise ValueError(text)


class _Lookups:
    def __init__(self):
        self.territories = {u.name.lower(): u for u in Unit.objects.filter(kind="territory")}
        self.channels = {c.code: c for c in Channel.objects.all()}
        self.sources = {c.code: c for c in Source.objects.all()}
        self.types = {c.code: c for c in FileType.objects.all()}
        self.dangers = {c.code: c for c in DangerType.objects.all()}
        self.conclusions = {c.code: c for c in ConclusionType.objects.all()}
        self.communes = {(c.insee_code, c.postal_code): c for c in Commune.objects.all()}
        self.communes_by_code = {}
        for c in self.communes.values():
            self.communes_by_code.setdefault(c.insee_code, c)


def _check(row, lk, today):
    """(parsed values, reasons)."""
    reasons, v = [], {}
    for name in REQUIRED:
        if not (row.get(name) or "").strip():
            reasons.append(f"{name} manquant")
    try:
        v["received_at"] = _datetime(row.get("date_reception"))
        if v["received_at"].date() > today:
            reasons.append("date_reception dans le futur")
    except ValueError:
        if row.get("date_reception"):
            reasons.append("date_reception illisible (AAAA-MM-JJ HH:MM ou JJ/MM/AAAA)")
    territory = lk.territories.get((row.get("territoire") or "").strip().lower())
    if row.get("territoire") and territory is None:
        reasons.append(f"territoire inconnu : {row.get('territoire')}")
    v["territory"] = territory
    for key, table, label in [
        ("canal", lk.channels, "canal"), ("origine", lk.sources, "origine"),
        ("type_dossier", lk.types, "type_dossier"), ("conclusion", lk.conclusions, "conclusion"),
    ]:  # fmt: skip
        code = (row.get(key) or "").strip()
        v[key] = table.get(code) if code else None
        if code and v[key] is None:
            reasons.append(f"{label} inconnu : {code}")
    for key in ("danger_grave", "sip", "violence_conjugale"):
        try:
            v[key] = _bool(row.get(key))
        except ValueError:
            reasons.append(f"{key} : 0/1 ou oui/non attendu")
    status = (row.get("statut") or "").strip().lower()
    if status not in STATUSES:
        reasons.append(f"statut inconnu : {status} (en cours, evaluation, clos)")
    v["status"] = STATUSES.get(status, "open")
    sex = (row.get("enfant_sexe") or "").strip().upper()[:1]
    if sex not in ("", "M", "F"):
        reasons.append("enfant_sexe : M ou F")
    v["sex"] = sex or "U"
    for key in ("enfant_naissance", "date_conclusion"):
        v[key] = None
        if (row.get(key) or "").strip():
            try:
                v[key] = _date(row[key])
            except ValueError:
                reasons.append(f"{key} illisible")
    if v.get("enfant_naissance") and v["enfant_naissance"] > today:
        reasons.append("enfant_naissance dans le futur")
    code = (row.get("commune_insee") or "").strip()
    postal = (row.get("code_postal") or "").strip()
    v["commune"] = None
    if code:
        v["commune"] = lk.communes.get((code, postal)) or (
            None if postal else lk.communes_by_code.get(code)
        )
        if v["commune"] is None:
            reasons.append(f"commune inconnue : {code} {postal}".strip())
    v["dangers"] = []
    for d in filter(None, (x.strip() for x in (row.get("motifs") or "").split(","))):
        if d in lk.dangers:
            v["dangers"].append(lk.dangers[d])
        else:
            reasons.append(f"motif inconnu : {d}")
    return v, reasons


def run(text: str, *, dry_run=False, user=None) -> Report:
    report = Report()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        report.rejected.append((1, "", [f"colonnes manquantes : {', '.join(missing)}"]))
        return report
    lk = _Lookups()
    today = timezone.localdate()
    parsed = []
    for line, row in enumerate(reader, start=2):
        report.rows += 1
        values, reasons = _check(row, lk, today)
        if reasons:
            report.rejected.append((line, row.get("ancien_id", ""), reasons))
        parsed.append((row, values))
    if report.rejected or dry_run:
        already = set(
            File.objects.filter(legacy_id__in=[r["ancien_id"] for r, _ in parsed]).values_list(
                "legacy_id", flat=True
            )
        )
        report.skipped_files = len(already)
        return report
    with transaction.atomic():
        files_by_id = {}
        done = set(File.objects.exclude(legacy_id="").values_list("legacy_id", flat=True))
        skipped = set()
        for row, v in parsed:
            legacy = row["ancien_id"].strip()
            if legacy in done:
                skipped.add(legacy)
                continue
            file = files_by_id.get(legacy)
            if file is None:
                file = File(
                    legacy_id=legacy,
                    received_at=v["received_at"],
                    territory=v["territory"],
                    file_type=v["type_dossier"],
                    channel=v["canal"],
                    source=v["origine"],
                    serious_danger=v["danger_grave"],
                    sip=v["sip"],
                    domestic_violence=v["violence_conjugale"],
                    snated_number=(row.get("numero_snated") or "").strip()[:30],
                    status=v["status"],
                    summary=(row.get("expose") or "").strip(),
                )
                file_services.save_file(file, user=user)
                files_by_id[legacy] = file
                report.files_created += 1
            child = Child.objects.create(
                file=file,
                sex=v["sex"],
                last_name=row["enfant_nom"].strip()[:100],
                first_name=row["enfant_prenom"].strip()[:100],
                birth_date=v["enfant_naissance"],
                mother_birth_name=(row.get("mere_nom_naissance") or "").strip()[:100],
                commune=v["commune"],
                street_number=(row.get("numero") or "").strip()[:10],
                street=(row.get("voie") or "").strip()[:200],
                conclusion=v["conclusion"],
                conclusion_on=v["date_conclusion"],
            )
            child.danger_types.set(v["dangers"])
            report.children_created += 1
        for file in files_by_id.values():
            file_services.refresh_deadline(file)
        report.skipped_files = len(skipped)
        journal.record(
            "childprotection.imported",
            actor=user,
            details={
                "files": report.files_created,
                "children": report.children_created,
                "skipped": report.skipped_files,
            },
        )
    report.written = True
    return report


def write_report(report: Report, out) -> None:
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["ligne", "ancien_id", "motifs_du_rejet"])
    for line, legacy, reasons in report.rejected:
        writer.writerow([line, legacy, " | ".join(reasons)])
