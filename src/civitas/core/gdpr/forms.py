from django import forms
from django.utils.translation import gettext_lazy as _

from . import registry
from .models import PrivacyNotice, ProcessingActivity, RetentionRule


class PersonSearchForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person"))


class EraseConfirmForm(forms.Form):
    confirm_email = forms.CharField(
        label=_("Type the e-mail address again to confirm"),
        help_text=_("Erasure cannot be undone."),
    )

    def __init__(self, *args, email="", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_confirm_email(self):
        value = self.cleaned_data["confirm_email"].strip()
        if value.lower() != self.email.lower():
            raise forms.ValidationError(_("This is not the address of the person shown."))
        return value


class ProcessingActivityForm(forms.ModelForm):
    class Meta:
        model = ProcessingActivity
        fields = [
            "name",
            "module",
            "controller",
            "purpose",
            "legal_basis",
            "data_subjects",
            "data_categories",
            "recipients",
            "transfers_outside_eu",
            "retention",
            "security_measures",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in [
                "controller",
                "purpose",
                "data_subjects",
                "data_categories",
                "recipients",
                "transfers_outside_eu",
                "retention",
                "security_measures",
            ]
        }


class PrivacyNoticeForm(forms.ModelForm):
    class Meta:
        model = PrivacyNotice
        fields = ["label", "text_fr", "text_en"]
        widgets = {
            "text_fr": forms.Textarea(attrs={"rows": 8}),
            "text_en": forms.Textarea(attrs={"rows": 8}),
        }


class RetentionRuleForm(forms.ModelForm):
    class Meta:
        model = RetentionRule
        fields = ["days", "enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].min_value = 1
        self.fields["days"].widget.attrs["min"] = 1
        label = registry.category_label(self.instance.category)
        self.fields["days"].label = _("Retention (days) — %(c)s") % {"c": label}
        self.fields["enabled"].label = _("Apply this rule — %(c)s") % {"c": label}

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days is None or days < 1:
            raise forms.ValidationError(_("Give at least one day."))
        return days


class BreachForm(forms.ModelForm):
    class Meta:
        from .models import Breach

        model = Breach
        fields = [
            "title",
            "discovered_at",
            "occurred_at",
            "ended_at",
            "description",
            "confidentiality",
            "integrity",
            "availability",
            "cause",
            "data_categories",
            "sensitive_data",
            "people_categories",
            "people_count",
            "records_count",
            "consequences",
            "risk",
            "assessment",
            "measures",
            "dpo_email",
            "late_reason",
        ]
        widgets = {
            f: forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
            for f in ("discovered_at", "occurred_at", "ended_at")
        }

    def clean(self):
        data = super().clean()
        found = data.get("discovered_at")
        for name in ("occurred_at", "ended_at"):
            value = data.get(name)
            if value and found and name == "occurred_at" and value > found:
                self.add_error(name, _("A breach cannot occur after it was discovered."))
        if (
            data.get("occurred_at")
            and data.get("ended_at")
            and data["ended_at"] < data["occurred_at"]
        ):
            self.add_error("ended_at", _("The end cannot come before the start."))
        return data


class CnilNotifiedForm(forms.Form):
    reference = forms.CharField(label=_("CNIL notification number"), max_length=60)
    late_reason = forms.CharField(
        label=_("Reasons for a late notification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the CNIL is notified after 72 hours."),
    )
