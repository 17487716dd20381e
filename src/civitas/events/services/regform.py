"""The configurable registration form: the rules about standard and extra fields.

- config(event): the event's settings, read once per request (cached on the event object);
- formfield(field): the Django form field for an extra field (type rules);
- collect(...): sector conditions and required answers, values converted to JSON;
- validate_values(...): the same checks on stored JSON values (service guarantee);
- display helpers for the back office, the exports and the catalogue;
- save_standard / save_field / delete_field: the organiser's changes, journaled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import journal

from ..models import Company, Event, ExtraField, RegistrationFormSettings, Representative
from . import ServiceError

HIDDEN = RegistrationFormSettings.HIDDEN
OPTIONAL = RegistrationFormSettings.OPTIONAL
REQUIRED = RegistrationFormSettings.REQUIRED
COMPANY = ExtraField.Target.COMPANY
REPRESENTATIVE = ExtraField.Target.REPRESENTATIVE
Kind = ExtraField.Kind

STATE_LABELS = {
    OPTIONAL: gettext_lazy("Shown, optional"),
    REQUIRED: gettext_lazy("Shown, required"),
    HIDDEN: gettext_lazy("Hidden"),
}

# Standard fields the organiser may configure, with the states allowed. The others are
# structural: the company name, country, SIRET and VAT number (invoicing and tax rules),
# the representative's names and e-mail (their login).
_ALL = (OPTIONAL, REQUIRED, HIDDEN)
CONFIGURABLE = {
    COMPANY: {
        # Postal address: needed on invoices, it can be required but not hidden.
        "address": (OPTIONAL, REQUIRED),
        "postcode": (OPTIONAL, REQUIRED),
        "city": (OPTIONAL, REQUIRED),
        "website": _ALL,
        "email": _ALL,
        "phone": _ALL,
        "sector": _ALL,
        "description": _ALL,
    },
    REPRESENTATIVE: {
        "job_title": _ALL,
        "phone": _ALL,
        # "Sessions attended" is a list of ticks: it cannot be "required".
        "absent_sessions": (OPTIONAL, HIDDEN),
    },
}
MODELS = {COMPANY: Company, REPRESENTATIVE: Representative}
FIELD_PREFIX = "x_"


def field_name(extra: ExtraField) -> str:
    """Name of the extra field in the forms (never clashes with a model field)."""
    return f"{FIELD_PREFIX}{extra.key}"


# Labels as people see the field in the forms (absent_sessions is asked as its complement).
_FORM_LABELS = {"absent_sessions": gettext_lazy("Sessions attended")}


def standard_label(target: str, name: str) -> str:
    if name in _FORM_LABELS:
        return str(_FORM_LABELS[name])
    return str(MODELS[target]._meta.get_field(name).verbose_name).capitalize()


@dataclass
class FormConfig:
    event: Event
    standard: dict = field(default_factory=dict)
    fields: list = field(default_factory=list)

    def state(self, target: str, name: str) -> str | None:
        return self.standard.get(f"{target}.{name}")

    def standard_for(self, target: str) -> dict[str, str]:
        prefix = f"{target}."
        return {k[len(prefix) :]: v for k, v in self.standard.items() if k.startswith(prefix)}

    def fields_for(self, target: str) -> list[ExtraField]:
        return [f for f in self.fields if f.target == target]


def config(event: Event) -> FormConfig:
    """The event's form settings; cached on the event instance (one query per request)."""
    cached = getattr(event, "_regform_config", None)
    if cached is not None:
        return cached
    settings_row = RegistrationFormSettings.objects.filter(event=event).first()
    fields = list(ExtraField.objects.filter(event=event).prefetch_related("sectors"))
    for f in fields:
        f.sector_ids = {s.pk for s in f.sectors.all()}
    cfg = FormConfig(event, dict(settings_row.standard) if settings_row else {}, fields)
    event._regform_config = cfg
    return cfg


def forget(event: Event) -> None:
    event.__dict__.pop("_regform_config", None)


# --- Form fields and values -----------------------------------------------------------------


def sector_hint(extra: ExtraField) -> str:
    sectors = sorted(s.label for s in extra.sectors.all())
    if not sectors:
        return ""
    if extra.required:
        return _("Required for companies of the sector(s): %(s)s.") % {"s": ", ".join(sectors)}
    return _("For companies of the sector(s): %(s)s.") % {"s": ", ".join(sectors)}


def formfield(extra: ExtraField) -> forms.Field:
    """The form field of an extra field. A sector-specific field is never required at
    the field level: collect() requires it only for the sectors concerned."""
    conditional = bool(getattr(extra, "sector_ids", None))
    kw = {
        "label": extra.label,
        "required": extra.required and not conditional,
        "help_text": " ".join(
            p for p in (extra.help, sector_hint(extra) if conditional else "") if p
        ),
    }
    kind = extra.kind
    if kind == Kind.TEXT:
        return forms.CharField(max_length=300, **kw)
    if kind == Kind.LONG_TEXT:
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), **kw)
    if kind == Kind.CHOICE:
        return forms.ChoiceField(choices=[("", "---------"), *extra.choice_pairs()], **kw)
    if kind == Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=extra.choice_pairs(), widget=forms.CheckboxSelectMultiple, **kw
        )
    if kind == Kind.BOOLEAN:
        return forms.TypedChoiceField(
            choices=[("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda v: v == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            **kw,
        )
    if kind == Kind.NUMBER:
        return forms.DecimalField(max_digits=18, decimal_places=4, **kw)
    if kind == Kind.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kw
        )
    if kind == Kind.URL:
        return forms.URLField(max_length=500, assume_scheme="https", **kw)
    raise ValueError(f"unknown kind {kind!r}")


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


def to_json(extra: ExtraField, value):
    """A cleaned form value as stored in the JSON column."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return value


def from_json(extra: ExtraField, value):
    """A stored value as form input (initial value or data to re-validate)."""
    if value is None:
        return None
    if extra.kind == Kind.BOOLEAN:
        return "yes" if value is True else "no" if value is False else value
    return value


def applies(extra: ExtraField, sector_id) -> bool:
    ids = getattr(extra, "sector_ids", None)
    if ids is None:
        ids = {s.pk for s in extra.sectors.all()}
    return not ids or sector_id in ids


def collect(fields, cleaned: dict, sector_id=None, skip=()) -> tuple[dict, dict]:
    """(values to store, {key: error}) from typed values {key: value}.

    Fields that do not apply to the company's sector are dropped; required ones that apply
    must be answered. Keys in `skip` already have an error."""
    values, errors = {}, {}
    for extra in fields:
        if extra.key in skip or not applies(extra, sector_id):
            continue
        value = cleaned.get(extra.key)
        if _empty(value):
            if extra.required:
                errors[extra.key] = _("This field is required.")
            continue
        values[extra.key] = to_json(extra, value)
    return values, errors


def validate_values(event: Event, target: str, values: dict | None, sector_id=None) -> dict:
    """Check stored values against the event's definitions; returns the cleaned values or
    raises ValidationError({key: [messages]})."""
    fields = config(event).fields_for(target)
    typed, errors = {}, {}
    for extra in fields:
        raw = from_json(extra, (values or {}).get(extra.key))
        if not applies(extra, sector_id):
            continue
        try:
            f = formfield(extra)
            f.required = False
            typed[extra.key] = f.clean(raw)
        except ValidationError as exc:
            errors[extra.key] = exc.messages
    clean, missing = collect(fields, typed, sector_id, skip=errors)
    errors.update({k: [v] for k, v in missing.items()})
    if errors:
        raise ValidationError(errors)
    return clean


def check_values(event: Event, target: str, obj, sector_id=None) -> None:
    """Service guarantee before saving: obj.extra must match the definitions."""
    try:
        obj.extra = validate_values(event, target, obj.extra, sector_id)
    except ValidationError as exc:
        labels = {f.key: f.label for f in config(event).fields_for(target)}
        problems = "; ".join(
            f"{labels.get(k, k)}: {' '.join(v)}" for k, v in exc.message_dict.items()
        )
        raise ServiceError(_("Extra fields: %(p)s") % {"p": problems}) from exc


# --- Display -------------------------------------------------------------------------------


def display(extra: ExtraField, value) -> str:
    if _empty(value):
        return ""
    labels = dict(extra.choice_pairs()) if extra.kind in ExtraField.CHOICE_KINDS else {}
    if extra.kind == Kind.BOOLEAN:
        return _("Yes") if value is True else _("No") if value is False else str(value)
    if extra.kind == Kind.MULTIPLE and isinstance(value, list):
        return ", ".join(labels.get(v, str(v)) for v in value)
    if extra.kind == Kind.CHOICE:
        return labels.get(value, str(value))
    if extra.kind == Kind.DATE:
        try:
            return formats.date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
        except ValueError:
            return str(value)
    if extra.kind == Kind.NUMBER:
        return formats.number_format(value, use_l10n=True)
    return str(value)


def rows(event: Event, target: str, values: dict | None) -> list[tuple[ExtraField, str]]:
    """[(field, displayed answer)] for the fields answered, in the form's order."""
    values = values or {}
    out = []
    for extra in config(event).fields_for(target):
        shown = display(extra, values.get(extra.key))
        if shown:
            out.append((extra, shown))
    return out


def public_rows(event: Event, company: Company) -> list[tuple[ExtraField, str]]:
    """The company's answers the organiser published in the catalogue."""
    public = set(event.public_fields or [])
    return [(f, v) for f, v in rows(event, COMPANY, company.extra) if f.public_code in public]


def public_choices(event: Event) -> list[tuple[str, str]]:
    """Catalogue choices added to Event.PUBLIC_FIELD_CHOICES by the event's company fields."""
    if not event.pk:
        return []
    return [
        (f.public_code, _("Extra field: %(l)s") % {"l": f.label})
        for f in ExtraField.objects.filter(event=event, target=COMPANY)
    ]


# --- The organiser's changes ----------------------------------------------------------------


@transaction.atomic
def save_standard(event: Event, standard: dict, *, request=None) -> RegistrationFormSettings:
    """Store the states of the standard fields ({"company.website": "hidden", ...})."""
    clean = {}
    for code, state in (standard or {}).items():
        target, _sep, name = code.partition(".")
        allowed = CONFIGURABLE.get(target, {}).get(name)
        if allowed is None or state not in allowed:
            raise ServiceError(_("%(f)s cannot be set to “%(s)s”.") % {"f": code, "s": state})
        if state != OPTIONAL:
            clean[code] = state
    if (
        clean.get("company.sector") == HIDDEN
        and ExtraField.objects.filter(event=event, sectors__isnull=False).exists()
    ):
        raise ServiceError(
            _("The sector cannot be hidden: some extra fields are asked only for some sectors.")
        )
    row, _created = RegistrationFormSettings.objects.select_for_update().get_or_create(event=event)
    before = dict(row.standard)
    row.standard = clean
    row.save()
    forget(event)
    changed = sorted(k for k in set(before) | set(clean) if before.get(k) != clean.get(k))
    journal.record(
        "events.regform_standard_changed",
        request=request,
        obj=event,
        details={"changed": {k: clean.get(k, OPTIONAL) for k in changed}},
    )
    return row


@transaction.atomic
def save_field(extra: ExtraField, *, sectors=(), public=False, request=None) -> ExtraField:
    """Create or change an extra field; `public` publishes a company field in the catalogue."""
    event = Event.objects.select_for_update().get(pk=extra.event_id)
    sectors = list(sectors or [])
    if extra.kind in ExtraField.CHOICE_KINDS and not extra.choice_pairs():
        raise ServiceError(_("A choice list needs at least one choice."))
    if extra.target != COMPANY and (sectors or public):
        raise ServiceError(
            _("Only company fields can depend on the sector or be shown in the catalogue.")
        )
    if any(s.event_id != event.pk for s in sectors):
        raise ServiceError(_("Unknown sector."))
    if sectors and _sector_hidden(event):
        raise ServiceError(_("The sector field is hidden: show it first."))
    created = extra.pk is None
    extra.save()
    extra.sectors.set(sectors)
    public_fields = [p for p in (event.public_fields or []) if p != extra.public_code]
    if public:
        public_fields.append(extra.public_code)
    if public_fields != (event.public_fields or []):
        event.public_fields = public_fields
        event.save(update_fields=["public_fields"])
    forget(event)
    journal.record(
        "events.regform_field_added" if created else "events.regform_field_changed",
        request=request,
        obj=extra,
        details={
            "event": event.pk,
            "key": extra.key,
            "target": extra.target,
            "kind": extra.kind,
            "required": extra.required,
            "sectors": [s.pk for s in sectors],
            "public": bool(public),
        },
    )
    return extra


def _sector_hidden(event: Event) -> bool:
    row = RegistrationFormSettings.objects.filter(event=event).first()
    return bool(row and row.standard.get("company.sector") == HIDDEN)


def answers_count(extra: ExtraField) -> int:
    model = MODELS[extra.target]
    flt = {"company__event": extra.event} if model is Representative else {"event": extra.event}
    return model.objects.filter(**flt, extra__has_key=extra.key).count()


@transaction.atomic
def delete_field(extra: ExtraField, *, request=None) -> int:
    """Delete an extra field and the answers given to it; returns how many were erased."""
    event = Event.objects.select_for_update().get(pk=extra.event_id)
    model = MODELS[extra.target]
    flt = {"company__event": event} if model is Representative else {"event": event}
    erased = []
    for obj in model.objects.filter(**flt, extra__has_key=extra.key).only("pk", "extra"):
        obj.extra.pop(extra.key, None)
        erased.append(obj)
    model.objects.bulk_update(erased, ["extra"], batch_size=500)
    if extra.public_code in (event.public_fields or []):
        event.public_fields = [p for p in event.public_fields if p != extra.public_code]
        event.save(update_fields=["public_fields"])
    journal.record(
        "events.regform_field_deleted",
        request=request,
        obj=event,
        details={"key": extra.key, "target": extra.target, "answers_erased": len(erased)},
    )
    extra.delete()
    forget(event)
    return len(erased)


# --- Country of a company -------------------------------------------------------------------

# Codes people type that are not ISO 3166-1: the United Kingdom and Greece as the EU spells
# them (VAT prefixes).
_COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}
_NAME_LANGUAGES = ("fr", "en", "de", "es", "it")


def country_code(value) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country typed as a code (FR, fra, 250, UK) or a
    name in French, English, German, Spanish or Italian (« Allemagne », "Germany"); None
    when it is not recognised (callers report it and keep what was typed)."""
    from django_countries import countries

    text = str(value or "").strip()
    if not text:
        return None
    upper = text.upper()
    if upper in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[upper]
    code = countries.alpha2(upper)
    if code:
        return code
    for language in _NAME_LANGUAGES:
        code = countries.by_name(text, language=language)
        if code:
            return code
    return None
