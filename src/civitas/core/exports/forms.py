from django import forms
from django.utils.translation import gettext_lazy as _

from . import conf, registry
from .models import ScheduledExport
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
