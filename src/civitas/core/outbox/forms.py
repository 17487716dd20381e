from django import forms
from django.utils.translation import gettext_lazy as _

from civitas.core.models import Role

from . import recipients, templates
from .models import Mailing, Message, MessageTemplate


class MessageFilterForm(forms.Form):
    q = forms.CharField(label=_("Recipient or subject"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All"))] + Message.State.choices
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All"))] + Message.Channel.choices
    )


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, registered, channel, **kwargs):
        super().__init__(*args, **kwargs)
        self.registered = registered
        self.channel = channel
        self.fields["body"].help_text = _(
            "Use the placeholders listed on this page, e.g. {{ name }}. "
            "{% if %} conditions and filters are allowed."
        )
        if channel == "sms":
            del self.fields["subject"]
        else:
            self.fields["subject"].required = True

    def _check(self, name):
        value = self.cleaned_data.get(name, "")
        problems = templates.check(value, self.registered.all_placeholders)
        if problems:
            raise forms.ValidationError(problems)
        return value

    def clean_subject(self):
        return self._check("subject")

    def clean_body(self):
        return self._check("body")


def _source_choices():
    return [(s.code, s.label) for s in recipients.sources()]


class MailingForm(forms.ModelForm):
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        help_text=_("Only for “Users holding a role”."),
    )

    class Meta:
        model = Mailing
        fields = ["source", "role", "subject", "body", "category", "essential", "language"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}
        help_texts = {
            "body": _("Placeholders: {{ name }}, {{ email }}, {{ organisation }}, {{ site_url }}."),
            "category": _(
                "Recipients can unsubscribe from a category (e.g. “news”). "
                "Non-essential mailings skip those who did."
            ),
            "essential": _(
                "Only for service messages everyone must receive: opt-outs are then ignored."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"] = forms.ChoiceField(label=_("Recipients"), choices=_source_choices())
        self.fields["role"].choices = [("", "—")] + [
            (r.code, r.name) for r in Role.objects.order_by("name")
        ]
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"), choices=[("fr", "Français"), ("en", "English")]
        )
        self.order_fields(self.Meta.fields)

    def _check(self, name):
        from .services import check_mailing_text

        value = self.cleaned_data.get(name, "")
        problems = check_mailing_text(value, self.cleaned_data.get("source"))
        if problems:
            raise forms.ValidationError(problems)
        return value

    def clean_subject(self):
        return self._check("subject")

    def clean_body(self):
        return self._check("body")

    def clean(self):
        data = super().clean()
        if data.get("source") == "users.role" and not data.get("role"):
            self.add_error("role", _("Choose the role whose holders receive the mailing."))
        return data

    def params(self):
        if self.cleaned_data.get("source") == "users.role":
            return {"role": self.cleaned_data["role"]}
        return {}


class UnsubscribeForm(forms.Form):
    everything = forms.BooleanField(
        label=_("Also stop every other non-essential message"), required=False
    )
