"""The event's form settings applied to the company and representative forms."""

from __future__ import annotations

from civitas.core.params import int_param

from ..services import regform

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
