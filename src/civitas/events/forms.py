"""Validation shared by the front office, the back office and the API of the events module.

Layout of the events forms: a form used by one area lives in that area's `forms.py`
(`frontoffice/forms.py`, `backoffice/forms.py`), never in a view file; a form whose
validation more than one area needs (the API writes companies and contacts with the same
rules as the registration form; participants and organisers write messages with the same
limits) lives here.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from civitas.core import phones
from civitas.core.params import IdChoicesField, IdField, int_param

from .models import Animation, Company, Representative, Session
from .models.messaging import MAX_MESSAGE_LENGTH
from .services import checks, regform

# --- The event's form settings applied to the company and representative forms -------------

HIDDEN, REQUIRED = regform.HIDDEN, regform.REQUIRED


class _Part:
    """A subset of a form's fields, renderable with includes/form.html."""

    def __init__(self, form, fields, *, with_errors):
        self._form, self._fields, self._with_errors = form, fields, with_errors

    @property
    def errors(self):
        return self._form.errors if self._with_errors else {}

    def non_field_errors(self):
        return self._form.non_field_errors() if self._with_errors else []

    def hidden_fields(self):
        return self._form.hidden_fields() if self._with_errors else []

    def visible_fields(self):
        return self._fields


class ConfigurableFormMixin:
    """Hide or require the configurable standard fields and add the extra fields.

    The form's __init__ calls self.configure(event) last. Extra fields are named
    "x_<key>"; their answers end up in instance.extra (replacing the previous answers: those
    of fields that no longer apply to the sector are dropped).
    """

    regform_target = regform.COMPANY
    extra_fields = ()

    def configure(self, event):
        self.event = event
        cfg = regform.config(event)
        for name, state in cfg.standard_for(self.regform_target).items():
            if name not in self.fields:
                continue
            if state == HIDDEN:
                del self.fields[name]
            elif state == REQUIRED:
                self.fields[name].required = True
        self.extra_fields = cfg.fields_for(self.regform_target)
        stored = getattr(self.instance, "extra", None) or {}
        for extra in self.extra_fields:
            f = regform.formfield(extra)
            f.initial = regform.from_json(extra, stored.get(extra.key))
            self.fields[regform.field_name(extra)] = f
        mark_required(self)

    # --- sector-specific fields -------------------------------------------------------

    def sector_id(self):
        """The sector chosen in the form (bound data), else the company's."""
        if self.regform_target != regform.COMPANY:
            return getattr(getattr(self.instance, "company", None), "sector_id", None)
        if self.is_bound and "sector" in self.fields:
            raw = self["sector"].value()
            return int_param(raw)
        return getattr(self.instance, "sector_id", None)

    def _conditional(self):
        return [e for e in self.extra_fields if e.sector_ids]

    @property
    def has_sector_fields(self) -> bool:
        return bool(self._conditional())

    @property
    def sector_known(self) -> bool:
        return self.sector_id() is not None

    @property
    def main_part(self):
        names = {regform.field_name(e) for e in self._conditional()}
        fields = [bf for bf in self.visible_fields() if bf.name not in names]
        return _Part(self, fields, with_errors=True)

    # Set by the HTMX fragment view: only the questions of the sector chosen (none if none).
    strict_sector = False

    @property
    def sector_part(self):
        """Sector-specific fields for the chosen sector; all of them (each saying which
        sectors it is for) while no sector is chosen, so the form works without JS."""
        sector = self.sector_id()
        shown = [
            self[regform.field_name(e)]
            for e in self._conditional()
            if (sector is None and not self.strict_sector) or regform.applies(e, sector)
        ]
        return _Part(self, shown, with_errors=False)

    def sector_param_names(self) -> str:
        """hx-params of the sector fragment request: the sector and those fields only."""
        names = ["csrfmiddlewaretoken", self["sector"].html_name] if "sector" in self.fields else []
        names += [self[regform.field_name(e)].html_name for e in self._conditional()]
        return ",".join(names)

    # --- validation ---------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        if self.regform_target == regform.COMPANY and "sector" in self.fields:
            sector = data.get("sector")
            sector_id = sector.pk if sector else None
        else:
            sector_id = self.sector_id()
        typed = {e.key: data.get(regform.field_name(e)) for e in self.extra_fields}
        failed = {e.key for e in self.extra_fields if regform.field_name(e) in self._errors}
        values, errors = regform.collect(self.extra_fields, typed, sector_id, skip=failed)
        by_key = {e.key: e for e in self.extra_fields}
        for key, message in errors.items():
            self.add_error(regform.field_name(by_key[key]), message)
        self._extra_values = values
        return data

    def _post_clean(self):
        super()._post_clean()
        if hasattr(self, "_extra_values"):
            self.instance.extra = dict(self._extra_values)


# Widgets whose inputs are a group (a fieldset): the mark goes on the legend, not on each box.
GROUP_WIDGETS = (forms.CheckboxSelectMultiple, forms.RadioSelect)


def mark_required(form) -> None:
    """Say which fields are required to browsers and assistive technologies, in formsets too
    (Django leaves `required` out of formset forms): `required` and `aria-required`."""
    for f in form.fields.values():
        if f.required and not isinstance(f.widget, (*GROUP_WIDGETS, forms.HiddenInput)):
            f.widget.attrs.update({"required": True, "aria-required": "true"})


def error_anchor(bound_field) -> str:
    """The id a link of the error summary points to: the input, or the first box of a
    group of boxes."""
    if isinstance(bound_field.field.widget, GROUP_WIDGETS):
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


def error_summary(parts) -> list[dict]:
    """One entry per faulty field of several forms, in page order, for the one error summary
    at the top of a long form: [{"label", "messages", "anchor"}] ("anchor" empty for an
    error about a whole form or list). `parts` are (form or formset, prefix label, anchor
    of the section) triples; a formset's forms are labelled "<prefix label> <n>"."""
    entries = []

    def add_form(form, label, section):
        for name, errors in form.errors.items():
            if name == "__all__":
                entries.append({"label": label, "messages": list(errors), "anchor": section})
                continue
            if name not in form.fields:
                continue
            bf = form[name]
            entries.append(
                {
                    "label": gettext("%(block)s: %(field)s") % {"block": label, "field": bf.label}
                    if label
                    else str(bf.label),
                    "messages": list(errors),
                    "anchor": error_anchor(bf),
                }
            )

    for obj, label, section in parts:
        if isinstance(obj, forms.BaseFormSet):
            if obj.non_form_errors():
                entries.append(
                    {"label": label, "messages": list(obj.non_form_errors()), "anchor": section}
                )
            for i, form in enumerate(obj.forms, start=1):
                add_form(form, f"{label} {i}", section)
        else:
            add_form(obj, label, section)
    return entries


# The fields of a company and of a representative that people and the CRM write: the forms
# below, the API's read serializers and its write views all use these two lists.
COMPANY_FIELDS = [
    "name",
    "country",
    "siret",
    "vat_number",
    "address",
    "postcode",
    "city",
    "website",
    "email",
    "phone",
    "sector",
    "description",
]
REPRESENTATIVE_FIELDS = [
    "first_name",
    "last_name",
    "job_title",
    "email",
    "phone",
    "absent_sessions",
]

# --- Companies and representatives (registration, participants area, API) ------------------------


class CompanyForm(ConfigurableFormMixin, forms.ModelForm):
    class Meta:
        model = Company
        fields = COMPANY_FIELDS
        field_classes = {"phone": phones.PhoneField}
        help_texts = {
            "siret": _("Required for French companies: 14 digits."),
            "vat_number": _("Intra-EU VAT number, required for EU companies outside France."),
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = event.sectors.all()
        country = self.fields["country"]
        country.widget.attrs["autocomplete"] = "country"
        country.error_messages["invalid_choice"] = _(
            "Choose the country in the list (the API takes its two-letter ISO code: FR, DE...)."
        )
        self._read_country()
        self.configure(event)

    def _read_country(self):
        """A country sent as a lower-case code, another code (UK, DEU) or a name (API
        clients, old bookmarks) is read as its ISO code; an unknown one stays for the error."""
        key = self.add_prefix("country")
        if not self.is_bound or key not in self.data:
            return
        typed = self.data.get(key)
        code = regform.country_code(typed) if isinstance(typed, str) else None
        if code and code != typed:
            self.data = self.data.copy()
            self.data[key] = code

    def clean(self):
        data = super().clean()
        country = data.get("country")
        siret, vat = data.get("siret", ""), data.get("vat_number", "")
        if country == "FR":
            if not siret:
                self.add_error("siret", _("The SIRET number is required for French companies."))
            else:
                try:
                    data["siret"] = checks.clean_siret(siret)
                except ValidationError as e:
                    self.add_error("siret", e)
        elif siret:
            self.add_error("siret", _("A SIRET number only applies to French companies."))
        if country and checks.is_eu_country(country):
            if vat:
                try:
                    data["vat_number"] = checks.clean_vat(vat, country)
                except ValidationError as e:
                    self.add_error("vat_number", e)
            elif country != "FR":
                self.add_error(
                    "vat_number", _("The VAT number is required for companies in the EU.")
                )
        return data


class MobileField(phones.PhoneField):
    """A representative's mobile phone, stored in E.164: SMS are sent to it."""

    def __init__(self, **kwargs):
        super().__init__(mobile=True, **kwargs)


def session_label(s: Session) -> str:
    """A session as people read it: day, name and hours (not the ISO date)."""
    return f"{s.day.date:%d/%m/%Y} · {s.name} ({s.start_time:%H:%M}–{s.end_time:%H:%M})"


# Availability means one thing everywhere (registration, participant area, back office,
# scheduling): the sessions a person attends, ticked. The database keeps the complement
# (Representative.absent_sessions, what the scheduler avoids and the CRM API exchanges).
SESSIONS_ATTENDED_LABEL = _("Sessions attended")
SESSIONS_ATTENDED_HELP = _(
    "Tick the sessions attended: meetings are only placed in these. Unticking a session "
    "where meetings are planned asks for confirmation first."
)


class SessionsAttendedField(IdChoicesField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", SESSIONS_ATTENDED_LABEL)
        kwargs.setdefault("help_text", SESSIONS_ATTENDED_HELP)
        kwargs.setdefault("required", False)
        super().__init__(queryset=Session.objects.none(), **kwargs)

    def label_from_instance(self, s):
        return session_label(s)


def sessions_of(event):
    return Session.objects.filter(day__event=event).select_related("day")


class RepresentativeForm(ConfigurableFormMixin, forms.ModelForm):
    """A representative's data. People tick the sessions they attend ("sessions_attended");
    cleaned_data["absent_sessions"] carries the complement for the services. The CRM API
    (sessions_as_attended = False) exchanges absent_sessions as stored."""

    regform_target = regform.REPRESENTATIVE
    sessions_as_attended = True

    class Meta:
        model = Representative
        fields = REPRESENTATIVE_FIELDS
        widgets = {"absent_sessions": forms.CheckboxSelectMultiple}
        field_classes = {"absent_sessions": IdChoicesField, "phone": MobileField}
        help_texts = {
            "phone": _(
                "For SMS about your meetings: 06 12 34 56 78, or +49 151 23456789 outside France."
            ),
        }

    def __init__(self, *args, event, animations=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["absent_sessions"]
        field.queryset = sessions_of(event)
        field.label_from_instance = session_label
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.configure(event)
        if self.sessions_as_attended and "absent_sessions" in self.fields:
            self._sessions_attended(event)
        if animations:
            self._add_animations(event)

    def _sessions_attended(self, event):
        sessions = sessions_of(event)
        attended = SessionsAttendedField()
        attended.queryset = sessions
        if self.instance.pk:
            absent = set(self.instance.absent_sessions.values_list("pk", flat=True))
            attended.initial = [s.pk for s in sessions if s.pk not in absent]
        else:
            attended.initial = [s.pk for s in sessions]  # all ticked for a newcomer
        # Same place in the form as the field it replaces.
        self.fields = {
            ("sessions_attended" if name == "absent_sessions" else name): (
                attended if name == "absent_sessions" else f
            )
            for name, f in self.fields.items()
        }

    def clean(self):
        data = super().clean()
        if "sessions_attended" in self.fields and "sessions_attended" in data:
            ticked = {s.pk for s in data["sessions_attended"]}
            data["absent_sessions"] = [
                s for s in self.fields["sessions_attended"].queryset if s.pk not in ticked
            ]
        return data

    def _add_animations(self, event):
        """The registration form's option to pick animations (public, open, to come)."""
        queryset = Animation.objects.filter(
            event=event, public=True, status=Animation.Status.OPEN, start__gt=timezone.now()
        ).order_by("start", "pk")
        if not queryset.exists():
            return
        field = IdChoicesField(
            queryset=queryset,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Workshops and conferences"),
            help_text=_(
                "Tick the ones you want to attend; a full one puts you on its waiting list."
            ),
        )
        field.label_from_instance = animation_label
        self.fields["animations"] = field


class RepresentativeRecordForm(RepresentativeForm):
    """The CRM API's contact: absent_sessions exchanged as stored (docs/export-format.md)."""

    sessions_as_attended = False


def animation_label(animation) -> str:
    start, end = timezone.localtime(animation.start), timezone.localtime(animation.end)
    label = f"{start:%d/%m/%Y %H:%M}–{end:%H:%M} · {animation.title}"
    if animation.price:
        label += " (" + gettext("%(p)s € excl. VAT") % {"p": animation.price} + ")"
    return label


# --- Messages (participants and organisers) ------------------------------------------------------


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_MESSAGE_LENGTH}),
        help_text=_("Plain text, at most %(n)s characters.") % {"n": MAX_MESSAGE_LENGTH},
    )


class CatalogueSearchForm(forms.Form):
    """The public catalogue's query (screen and API): words and a sector id."""

    # No length limit: only the first catalogue.MAX_WORDS words are searched.
    q = forms.CharField(required=False)
    sector = IdField()
    country = forms.ChoiceField(required=False, choices=lambda: [("", ""), *countries])

    def words_left_out(self) -> bool:
        from .services.catalogue import too_many_words

        return too_many_words(self.cleaned_data.get("q", ""))

    def query(self) -> tuple[str, int | None]:
        """(words, sector id) of a valid query; what is valid of an invalid one."""
        data = getattr(self, "cleaned_data", {})
        return data.get("q", ""), data.get("sector")

    def country_code(self) -> str:
        """The ISO code of the country filter ("" for all, or when not a country)."""
        return getattr(self, "cleaned_data", {}).get("country", "")
