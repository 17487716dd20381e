from django import forms
from django.utils.translation import gettext_lazy as _

from . import conf, registry
from .models import SCHEDULE_FORMAT_CHOICES, ScheduledExport
from .services import ExportError, resolve_directory
from .writers import FORMAT_CHOICES


class ScheduledExportForm(forms.ModelForm):
    class Meta:
        model = ScheduledExport
        fields = ["name", "exporter", "format", "period", "delivery", "recipients", "directory"]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "exporter" in self.fields:
            self.fields["exporter"] = forms.ChoiceField(
                label=_("Export"),
                choices=[(e.code, e.label) for e in registry.available_for(user)],
            )
        self.fields["format"].choices = FORMAT_CHOICES
        self.fields["period"].choices = ScheduledExport.Period.choices
        self.fields["period"].initial = ScheduledExport.Period.WEEKLY
        self.fields["delivery"].choices = ScheduledExport.Delivery.choices
        self.fields["delivery"].initial = ScheduledExport.Delivery.EMAIL
        if conf.export_dir() is None:
            self.fields["directory"].help_text = _(
                "Delivery to a directory is disabled until CIVITAS_EXPORT_DIR is configured."
            )

    def clean_recipients(self):
        value = self.cleaned_data.get("recipients", "")
        validator = forms.EmailField()
        for address in value.replace(",", "\n").splitlines():
            if address.strip():
                validator.clean(address.strip())
        return value

    def clean(self):
        data = super().clean()
        delivery = data.get("delivery")
        recipients = (data.get("recipients") or "").strip()
        if delivery == ScheduledExport.Delivery.EMAIL and not recipients:
            self.add_error("recipients", _("Give at least one e-mail address."))
        if delivery == ScheduledExport.Delivery.DIRECTORY:
            try:
                resolve_directory(data.get("directory") or "")
            except ExportError as exc:
                self.add_error("directory", str(exc))
        return data


class ReportScheduleForm(ScheduledExportForm):
    """Schedule a saved report: its name, source, columns and filters come from the report;
    besides the writers' formats, a report may be sent as its PDF table."""

    class Meta(ScheduledExportForm.Meta):
        fields = ["format", "period", "delivery", "recipients", "directory"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = SCHEDULE_FORMAT_CHOICES


class SavedReportForm(forms.Form):
    """Build a report on one source: name, columns ticked and numbered, the source's filters.

    `columns` are the source's [(key, label)], `filters` its filter form fields
    (`Exporter.filter_fields()`); `report` the saved report being edited, if any."""

    FILTER_PREFIX = "f_"

    name = forms.CharField(label=_("Name of the report"), max_length=200)
    shared = forms.BooleanField(
        label=_("Shared with the other people who may run its source"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, columns, filters, report=None, shared_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if shared_label:
            self.fields["shared"].label = shared_label
        self.source_columns = list(columns)
        chosen = list(report.columns) if report is not None and report.columns else []
        self.fields["columns"] = forms.MultipleChoiceField(
            label=_("Columns"),
            choices=self.source_columns,
            widget=forms.CheckboxSelectMultiple,
            initial=chosen or [key for key, _label in self.source_columns],
            error_messages={"required": _("Tick at least one column.")},
        )
        self.order_fields = []
        for i, (key, label) in enumerate(self.source_columns):
            name = f"order_{i}"
            self.fields[name] = forms.IntegerField(
                label=_("Position of the column “%(label)s”") % {"label": label},
                required=False,
                min_value=1,
                max_value=999,
                initial=(chosen.index(key) + 1) if key in chosen else i + 1,
            )
            self.order_fields.append((key, label, name))
        self.filter_names = []
        for name, field in filters.items():
            if report is not None and name in (report.params or {}):
                field.initial = report.params[name]
            self.fields[self.FILTER_PREFIX + name] = field
            self.filter_names.append(name)
        if report is not None:
            self.fields["name"].initial = report.name
            self.fields["shared"].initial = report.shared

    def column_rows(self):
        """(checkbox, label, order bound field) per source column, for the table."""
        boxes = list(self["columns"])
        return [
            (box, label, self[name])
            for box, (_key, label, name) in zip(boxes, self.order_fields, strict=False)
        ]

    def filter_fields_bound(self):
        return [self[self.FILTER_PREFIX + name] for name in self.filter_names]

    def chosen_columns(self) -> list[str]:
        """The ticked column keys, ordered by their positions (ties: source order)."""
        ticked = set(self.cleaned_data.get("columns") or [])
        ranked = []
        for i, (key, _label, name) in enumerate(self.order_fields):
            if key in ticked:
                position = self.cleaned_data.get(name)
                ranked.append((position if position is not None else 1000, i, key))
        return [key for _position, _i, key in sorted(ranked)]

    def filter_values(self) -> dict:
        out = {}
        for name in self.filter_names:
            value = self.cleaned_data.get(self.FILTER_PREFIX + name)
            if value not in (None, ""):
                out[name] = str(value)
        return out


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8 or Windows-1252, separated by ; or ,) or Excel .xlsx; "
            "the first line holds the column titles."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )


class MappingForm(forms.Form):
    """One select per importer field: which column of the file feeds it."""

    def __init__(self, *args, importer, headers, initial_mapping, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not imported —"))] + [
            (str(i), h or _("Column %(n)s") % {"n": i + 1}) for i, h in enumerate(headers)
        ]
        for f in importer.fields:
            initial = initial_mapping.get(f.name)
            self.fields[f.name] = forms.ChoiceField(
                label=f.label,
                choices=choices,
                required=f.required,
                initial="" if initial is None else str(initial),
                help_text=f.help_text,
            )

    def mapping(self) -> dict:
        return {
            name: (int(value) if value not in ("", None) else None)
            for name, value in self.cleaned_data.items()
        }
