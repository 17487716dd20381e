from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.core.params import IdChoicesField

from ..models import ExtraField
from ..services import regform

TARGET_LABELS = {regform.COMPANY: _("Company"), regform.REPRESENTATIVE: _("Representative")}


def _form_name(code: str) -> str:
    return code.replace(".", "__")


class StandardFieldsForm(forms.Form):
    """One choice per configurable standard field: shown optional, required or hidden."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for target, fields in regform.CONFIGURABLE.items():
            for name, allowed in fields.items():
                code = f"{target}.{name}"
                self.fields[_form_name(code)] = forms.ChoiceField(
                    label=f"{TARGET_LABELS[target]} — {regform.standard_label(target, name)}",
                    choices=[(s, regform.STATE_LABELS[s]) for s in allowed],
                    initial=current.get(code, regform.OPTIONAL),
                )

    def standard(self) -> dict:
        return {
            f"{t}.{n}": self.cleaned_data[_form_name(f"{t}.{n}")]
            for t, fields in regform.CONFIGURABLE.items()
            for n in fields
        }


class ExtraFieldForm(forms.ModelForm):
    public = forms.BooleanField(
        label=_("Shown in the public catalogue"),
        required=False,
        help_text=_("Company fields only."),
    )

    class Meta:
        model = ExtraField
        fields = [
            "target",
            "key",
            "label_fr",
            "label_en",
            "help_fr",
            "help_en",
            "kind",
            "choices",
            "required",
            "sectors",
            "position",
        ]
        field_classes = {"sectors": IdChoicesField}
        widgets = {
            "sectors": forms.CheckboxSelectMultiple,
            "choices": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.instance.event = event
        self.fields["sectors"].queryset = event.sectors.all()
        self.fields["public"].initial = self.instance.public_code in (event.public_fields or [])
        if self.instance.pk:
            # The answers are stored under the key, on the company or the representative.
            for name in ("key", "target"):
                self.fields[name].disabled = True
            self.fields["key"].help_text = _("The key cannot change once the field exists.")

    def clean_key(self):
        key = self.cleaned_data["key"]
        target = self.cleaned_data.get("target") or self.instance.target
        taken = ExtraField.objects.filter(event=self.event, target=target, key=key)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another field of this form already uses this key."))
        return key

    def clean(self):
        data = super().clean()
        kind, target = data.get("kind"), data.get("target")
        if kind in ExtraField.CHOICE_KINDS and not (data.get("choices") or "").strip():
            self.add_error("choices", _("A choice list needs at least one choice."))
        if target and target != regform.COMPANY:
            if data.get("sectors"):
                self.add_error("sectors", _("Only company fields can depend on the sector."))
            if data.get("public"):
                self.add_error("public", _("Only company fields can be shown in the catalogue."))
        return data
