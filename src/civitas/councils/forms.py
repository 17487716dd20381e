"""Validation shared by the councils screens."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.core.params import IdChoicesField
from civitas.core.permissions import restrict

from .models import EPCI, Document, Official, RecipientList, Sitting


class SittingForm(forms.ModelForm):
    class Meta:
        model = Sitting
        fields = [
            "epci",
            "body",
            "title",
            "date",
            "place",
            "urgency",
            "recipient_list",
            "reminder_hours",
        ]
        widgets = {
            "date": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        epcis = restrict(EPCI.objects.all(), user, "councils.send_documents")
        self.fields["epci"].queryset = epcis
        self.fields["recipient_list"].queryset = RecipientList.objects.filter(epci__in=epcis)
        self.fields["date"].input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]
        if self.instance.pk:
            self.fields["epci"].disabled = True

    def clean(self):
        data = super().clean()
        rlist, epci = data.get("recipient_list"), data.get("epci")
        if rlist and epci and rlist.epci_id != epci.pk:
            self.add_error("recipient_list", _("This list belongs to another EPCI."))
        return data


class DocumentForm(forms.Form):
    """Upload without JavaScript (the chunked upload script uses the same fields)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File (PDF, ODT, DOCX…; at most 150 MB)"))


class SendForm(forms.Form):
    phase = forms.ChoiceField(choices=[("before", ""), ("after", "")], widget=forms.HiddenInput)
    late_reason = forms.CharField(
        label=_("Reason for a late sending"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    sms = forms.BooleanField(label=_("Also send an SMS to officials with a mobile"), required=False)


class RecipientListForm(forms.ModelForm):
    class Meta:
        model = RecipientList
        fields = ["name", "kind", "commune", "mandate", "members"]
        field_classes = {"members": IdChoicesField}

    def __init__(self, *args, epci=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.epci = epci
        self.fields["commune"].queryset = epci.communes.all()
        self.fields["members"].queryset = Official.objects.filter(epci=epci)
        self.fields["members"].widget = forms.CheckboxSelectMultiple()
        self.fields["members"].choices = [
            (o.pk, f"{o} ({o.commune.name})")
            for o in self.fields["members"].queryset.select_related("commune")
        ]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == RecipientList.Kind.COMMUNE and not data.get("commune"):
            self.add_error("commune", _("Choose the commune."))
        if kind == RecipientList.Kind.MANDATE and not data.get("mandate"):
            self.add_error("mandate", _("Choose the mandate."))
        return data
