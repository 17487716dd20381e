from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import merge
from .models import DocumentTemplate


class TemplateUploadForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("Word file (.docx)"),
        help_text=_("A .docx document whose merge fields are written {{ field_name }}."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".docx,application/vnd.openxmlformats-officedocument"}
        ),
    )

    class Meta:
        model = DocumentTemplate
        fields = ["name", "kind", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(
            label=_("Kind of record"),
            choices=[("", "—")] + merge.kind_choices(),
            help_text=_("The merge fields available depend on the kind of record."),
        )
        self.fields["kind"].widget.attrs.update(
            {
                "aria-controls": "kind-fields",
                "hx-get": reverse("documents:kind_fields"),
                "hx-trigger": "change",
                "hx-target": "#kind-fields",
                "hx-swap": "outerHTML",
            }
        )
        self.fields_used: list[str] = []
        self.file_data: bytes | None = None

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        kind = merge.get_kind(cleaned.get("kind") or "")
        if upload is None or kind is None:
            return cleaned
        data = upload.read(merge.conf.max_template_size() + 1)
        try:
            self.fields_used = merge.validate_template(data, kind, upload.name)
        except merge.TemplateInvalid as exc:
            self.add_error("upload", str(exc))
        else:
            self.file_data = data
        return cleaned


class GenerateOneForm(forms.Form):
    record = forms.ChoiceField(label=_("Record"))

    def __init__(self, *args, records=(), describe=str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [("", "—")] + [(str(r.pk), describe(r)) for r in records]
