"""Personal data services: find, export, rectify, erase a person's data; retention purge.

These functions are the only place that changes data on behalf of the GDPR tools; the views
parse input, call them and render.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import decimal
import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta

from auditlog.context import disable_auditlog
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal

from . import registry
from .models import RetentionRule


@dataclass
class Subject:
    """The person the tools work on: an e-mail address and the account having it, if any."""

    email: str
    user: object | None = None

    @classmethod
    def find(cls, email: str) -> Subject:
        from civitas.core.models import User

        email = (email or "").strip()
        user = User.objects.filter(email__iexact=email).first() if email else None
        return cls(email=email, user=user)

    @property
    def email_hash(self) -> str:
        return hashlib.sha256(self.email.lower().encode()).hexdigest()


@dataclass
class Holding:
    """What one model holds on the subject."""

    declaration: registry.Declaration
    count: int
    rows: list[dict] = field(default_factory=list)

    @property
    def label(self):
        return self.declaration.label

    @property
    def verbose_name(self):
        return str(self.declaration.model._meta.verbose_name_plural)

    @property
    def columns(self):
        return [f.attname for f in self.declaration.exported_fields()]


def jsonable(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def csv_cell(value):
    value = jsonable(value)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def row_dict(decl: registry.Declaration, obj) -> dict:
    return {f.attname: jsonable(getattr(obj, f.attname)) for f in decl.exported_fields()}


def holdings(subject: Subject, *, with_rows=True, limit: int | None = None) -> list[Holding]:
    """Everything held on the subject, model by model (models holding nothing left out)."""
    out = []
    for decl in registry.declarations():
        qs = decl.queryset(subject.email, subject.user).order_by("pk")
        count = qs.count()
        if not count:
            continue
        rows = []
        if with_rows:
            it = qs[:limit] if limit else qs.iterator(chunk_size=1000)
            rows = [row_dict(decl, obj) for obj in it]
        out.append(Holding(decl, count, rows))
    return out


README = """{title}

{generated}: {when}
{person}: {email}

{explain}

{files}:
{listing}
"""


def export_zip(subject: Subject) -> tuple[bytes, dict[str, int]]:
    """A zip with one JSON and one CSV file per model holding data on the subject."""
    buf = io.BytesIO()
    counts = {}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for h in holdings(subject):
            counts[h.label] = h.count
            zf.writestr(
                f"{h.label}.json",
                json.dumps(h.rows, ensure_ascii=False, indent=2, default=str),
            )
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(h.columns)
            for row in h.rows:
                writer.writerow([csv_cell(row[c]) for c in h.columns])
            zf.writestr(f"{h.label}.csv", "\ufeff" + out.getvalue())
        listing = "\n".join(
            f"- {label}.json / {label}.csv : {n}" for label, n in sorted(counts.items())
        )
        zf.writestr(
            "README.txt",
            README.format(
                title=_("Personal data held by Civitas"),
                generated=_("Generated at"),
                when=timezone.now().isoformat(timespec="seconds"),
                person=_("Person"),
                email=subject.email,
                explain=_(
                    "Each data set is given twice: as JSON (machine-readable) and as CSV "
                    "(UTF-8, opens in a spreadsheet). Foreign keys are given as identifiers; "
                    "files as paths. Secrets such as password hashes are not included."
                ),
                files=_("Files (rows)"),
                listing=listing or _("No data held."),
            ),
        )
        zf.writestr("summary.json", json.dumps({"email": subject.email, "counts": counts}))
    return buf.getvalue(), counts


# --- Rectification -------------------------------------------------------------------


def rectify(decl: registry.Declaration, form, *, request=None, actor=None) -> dict | None:
    """Save a valid ModelForm on one record; journal before/after of the changed fields."""
    if not form.has_changed():
        return None
    obj = form.instance
    before = {name: jsonable(form.initial.get(name)) for name in form.changed_data}
    form.save()
    after = {name: jsonable(getattr(obj, name)) for name in form.changed_data}
    journal.record(
        "gdpr.rectify",
        request=request,
        actor=actor,
        object_type=decl.label.lower(),
        object_id=str(obj.pk),
        object_repr=decl.label,
        details={"before": before, "after": after},
    )
    return {"before": before, "after": after}


# --- Erasure ---------------------------------------------------------------------------


def neutral_value(f: models.Field):
    """The value a person field takes when its row is anonymised, or a callable
    (obj, subject) -> value; subject is None during the retention purge."""
    if f.is_relation:
        if f.null:
            return None
        raise ImproperlyConfigured(
            f"{f.model._meta.label}.{f.name} cannot be anonymised (not nullable): "
            "declare an explicit value or erase='delete'"
        )
    if isinstance(f, models.GenericIPAddressField):
        return None if f.null else "0.0.0.0"  # noqa: S104 - a placeholder, not a bind address
    if isinstance(f, models.EmailField):
        if f.unique:
            return lambda obj, subject=None: (
                f"anonymised-{obj._meta.model_name}-{obj.pk}@invalid.invalid"
            )
        return "" if f.blank else "anonymised@invalid.invalid"
    if isinstance(f, models.JSONField):
        return None if f.null else {}
    if isinstance(f, models.CharField | models.TextField):
        if f.unique:
            return lambda obj, subject=None: f"anonymised-{obj.pk}"
        return "" if f.blank else "anonymised"
    if f.null:
        return None
    raise ImproperlyConfigured(
        f"{f.model._meta.label}.{f.name}: no neutral value; declare one in anonymise={{}}"
    )


def anonymise_values(decl: registry.Declaration) -> dict:
    values = {}
    meta = decl.model._meta
    for name in decl.person_fields:
        if name in decl.anonymise:
            continue
        values[meta.get_field(name).attname] = neutral_value(meta.get_field(name))
    for name, value in decl.anonymise.items():
        values[meta.get_field(name).attname] = value
    return values


def _anonymise(decl: registry.Declaration, qs, subject: Subject | None = None) -> int:
    values = anonymise_values(decl)
    constants = {k: v for k, v in values.items() if not callable(v)}
    dynamic = {k: v for k, v in values.items() if callable(v)}
    manager = decl.model._base_manager
    pks = list(qs.values_list("pk", flat=True))
    if not pks:
        return 0
    if constants:
        manager.filter(pk__in=pks).update(**constants)
    if dynamic:
        for obj in manager.filter(pk__in=pks).iterator(chunk_size=500):
            manager.filter(pk=obj.pk).update(**{k: v(obj, subject) for k, v in dynamic.items()})
    return len(pks)


def erase_plan(subject: Subject) -> list[tuple[registry.Declaration, int]]:
    """(declaration, rows concerned) for every model holding something on the subject."""
    plan = []
    for decl in registry.declarations():
        n = decl.queryset(subject.email, subject.user).count()
        if n:
            plan.append((decl, n))
    return plan


def erase(subject: Subject, *, request=None, actor=None) -> dict:
    """Erase the subject: each model deletes or anonymises as declared, all or nothing.

    The journal keeps a trace of the erasure (counts and a SHA-256 of the e-mail address,
    not the address itself)."""
    result = {}
    user_id = getattr(subject.user, "pk", None)
    with transaction.atomic(), disable_auditlog():
        # Select every row first: deleting the account changes what the filters match.
        selected = []
        for decl in registry.declarations():
            pks = list(decl.queryset(subject.email, subject.user).values_list("pk", flat=True))
            if pks:
                selected.append((decl, pks))
        for decl, pks in selected:
            if decl.erase == "anonymise":
                _anonymise(decl, decl.model._base_manager.filter(pk__in=pks), subject)
            result[decl.label] = {"mode": decl.erase, "count": len(pks)}
        for decl, pks in selected:  # in declaration order: the account comes last
            if decl.erase == "delete":
                decl.model._base_manager.filter(pk__in=pks).delete()
        from civitas.core.signals import account_erased

        account_erased.send(sender=Subject, user_id=user_id, email=subject.email)
        journal.record(
            "gdpr.erase",
            request=request,
            actor=actor,
            object_type="gdpr.subject",
            object_id=subject.email_hash[:64],
            object_repr=_("Erased person (SHA-256 of the e-mail address)"),
            details={"email_sha256": subject.email_hash, "models": result},
        )
    return result


# --- Retention purge -----------------------------------------------------------------


def purge_expired(now=None, *, actor=None) -> dict:
    """Apply every enabled retention rule; journal what was removed (counts per model)."""
    now = now or timezone.now()
    rules = {r.category: r for r in RetentionRule.objects.filter(enabled=True)}
    removed, errors = {}, {}
    for decl in registry.declarations():
        rule = rules.get(decl.category)
        if rule is None or not decl.retention_field or decl.erase == "keep":
            continue
        cutoff = now - timedelta(days=rule.days)
        qs = decl.model._base_manager.filter(**{f"{decl.retention_field}__lt": cutoff})
        try:
            with transaction.atomic(), disable_auditlog():
                if decl.erase == "anonymise":
                    constants = {k: v for k, v in anonymise_values(decl).items() if not callable(v)}
                    if constants:  # rows already anonymised are not counted again
                        qs = qs.exclude(Q(**constants))
                    count = _anonymise(decl, qs)
                else:
                    pks = list(qs.values_list("pk", flat=True))
                    count = len(pks)
                    if pks:
                        decl.model._base_manager.filter(pk__in=pks).delete()
        except Exception as exc:  # one model failing must not stop the others
            errors[decl.label] = f"{type(exc).__name__}: {exc}"
            continue
        if count:
            removed[decl.label] = {
                "mode": decl.erase,
                "count": count,
                "category": decl.category,
                "before": cutoff.isoformat(),
            }
    journal.record("gdpr.purge", actor=actor, details={"removed": removed, "errors": errors})
    return {"removed": removed, "errors": errors}
