"""Forms of child protection, shared by the screens and the import."""

from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core.params import IdChoicesField

from .models import (
    Assignment,
    Child,
    Commune,
    DangerType,
    File,
    Person,
    Reporter,
    ReporterRequest,
)
from .models.parameters import PARAMETER_MODELS
from .services.access import REASON_MIN_LENGTH

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def limit_parameters(form):
    """Parameter drop-downs offer the values valid today, plus the retired value an
    existing row already uses (readable, kept)."""
    for name, field in form.fields.items():
        qs = getattr(field, "queryset", None)
        if qs is None:
            continue
        model = qs.model
        if model in PARAMETER_MODELS or model is Commune:
            current = getattr(form.instance, f"{name}_id", None) if form.instance else None
            if isinstance(field, forms.ModelMultipleChoiceField):
                used = (
                    list(form.instance.danger_types.values_list("pk", flat=True))
                    if (form.instance and form.instance.pk)
                    else []
                )
                field.queryset = model.objects.available_or(*used)
            else:
                field.queryset = model.objects.available_or(current)


class FileForm(forms.ModelForm):
    class Meta:
        model = File
        fields = [
            "received_at",
            "file_type",
            "channel",
            "source",
            "territory",
            "receiver",
            "snated_number",
            "sip",
            "serious_danger",
            "domestic_violence",
            "status",
            "summary",
            "cema_observation",
        ]
        widgets = {
            "received_at": DATETIME,
            "summary": forms.Textarea(attrs={"rows": 5}),
            "cema_observation": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, territories=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial["received_at"] = self.initial.get("received_at") or (
                timezone.localtime().replace(second=0, microsecond=0)
            )
        if territories is not None:
            self.fields["territory"].queryset = territories
        limit_parameters(self)


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = [
            "sex",
            "last_name",
            "first_name",
            "birth_date",
            "mother_birth_name",
            "commune",
            "street_number",
            "street",
            "father_pcs",
            "mother_pcs",
            "living_place",
            "comment",
        ]
        widgets = {"birth_date": DATE, "comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_parameters(self)
        self.fields["mother_birth_name"].help_text = _(
            "Needed for the national statistics identifier (OLINPE)."
        )

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        return value


ChildFormSet = inlineformset_factory(
    File,
    Child,
    form=ChildForm,
    fk_name="file",
    extra=1,
    min_num=1,
    validate_min=True,
    can_delete=True,
)


class ChildDetailForm(forms.ModelForm):
    """Per child: types of danger and conclusion."""

    class Meta:
        model = Child
        fields = ["danger_types", "conclusion", "conclusion_on", "previous_file"]
        field_classes = {"danger_types": IdChoicesField}
        widgets = {"danger_types": forms.CheckboxSelectMultiple, "conclusion_on": DATE}

    def __init__(self, *args, files=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["danger_types"].queryset = DangerType.objects.all()
        limit_parameters(self)
        if files is not None:
            self.fields["previous_file"].queryset = files

    def clean(self):
        data = super().clean()
        if data.get("conclusion") and not data.get("conclusion_on"):
            self.add_error("conclusion_on", _("Give the date of the conclusion."))
        return data


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["role", "sex", "is_minor", "relationship"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_parameters(self)


PersonFormSet = inlineformset_factory(Child, Person, form=PersonForm, extra=1, can_delete=True)


class ReporterForm(forms.ModelForm):
    class Meta:
        model = Reporter
        fields = ["anonymous", "professional", "identity", "contact"]
        widgets = {
            "identity": forms.Textarea(attrs={"rows": 2}),
            "contact": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        if data.get("anonymous") and (data.get("identity") or "").strip():
            self.add_error("identity", _("An anonymous reporter has no identity: leave it empty."))
        return data


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["service", "task", "assigned_on", "due_on", "done_on", "result"]
        widgets = {
            "assigned_on": DATE,
            "due_on": DATE,
            "done_on": DATE,
            "result": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # model_to_dict() gives the key with None: setdefault would keep it empty
            self.initial["assigned_on"] = self.initial.get("assigned_on") or timezone.localdate()
        limit_parameters(self)

    def clean(self):
        data = super().clean()
        start, due, done = data.get("assigned_on"), data.get("due_on"), data.get("done_on")
        if start and due and due < start:
            self.add_error("due_on", _("The due date is before the assignment date."))
        if start and done and done < start:
            self.add_error("done_on", _("The end date is before the assignment date."))
        return data


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for deletion"), widget=forms.Textarea(attrs={"rows": 3}), min_length=10
    )


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why must you open this file?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=REASON_MIN_LENGTH,
        help_text=_("Your reason is journaled and the CRIP manager is alerted."),
    )


class ReporterRequestForm(forms.ModelForm):
    class Meta:
        model = ReporterRequest
        fields = ["received_on", "outcome", "closed_on", "reason"]
        widgets = {
            "received_on": DATE,
            "closed_on": DATE,
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == ReporterRequest.Outcome.REFUSED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("A refusal needs a recorded reason."))
        if outcome in (
            ReporterRequest.Outcome.REFUSED,
            ReporterRequest.Outcome.ANSWERED,
        ) and not data.get("closed_on"):
            self.add_error("closed_on", _("Give the date of the answer or refusal."))
        return data


class SearchForm(forms.Form):
    name = forms.CharField(label=_("Child's name"), required=False, max_length=100)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE)
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=Commune.objects.all(), required=False
    )
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *File.Status.choices], required=False
    )
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DATE)
    received_to = forms.DateField(label=_("Received until"), required=False, widget=DATE)
    number = forms.CharField(label=_("File or SNATED number"), required=False, max_length=30)

    def __init__(self, *args, territories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories
