from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .. import permissions
from ..models import LoginEvent, Organisation, Role, Unit, User


class DateInput(forms.DateInput):
    input_type = "date"


class JournalFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    action = forms.CharField(label=_("Action"), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)


class LoginJournalFilterForm(forms.Form):
    q = forms.CharField(label=_("Login or IP address"), required=False)
    kind = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("All"))] + LoginEvent.Kind.choices
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)


class UserCreateForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "phone", "language"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email


class AssignmentForm(forms.Form):
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.all())
    scope = forms.ChoiceField(label=_("Scope"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for st in permissions.scope_types():
            group = [(f"{st.name}:{pk}", label) for pk, label in st.choices()]
            if group:
                choices.append((st.label, group))
        self.fields["scope"].choices = choices

    def clean_scope(self):
        scope_type, _sep, scope_id = self.cleaned_data["scope"].partition(":")
        return scope_type, int(scope_id)


class RoleForm(forms.ModelForm):
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Role
        fields = ["name", "description", "permissions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].choices = [
            (p.codename, f"{p.label} ({p.module})") for p in permissions.all_permissions()
        ]

    def save(self, commit=True):
        role = super().save(commit=False)
        if not role.code:
            base = slugify(role.name)[:50] or "role"
            code, n = base, 1
            while Role.objects.filter(code=code).exists():
                n += 1
                code = f"{base}-{n}"
            role.code = code
        if commit:
            role.save()
        return role


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "password_min_length",
            "password_renewal_days",
            "mfa_required_backoffice",
            "backoffice_idle_minutes",
            "backoffice_ip_allowlist",
        ]
        widgets = {"backoffice_ip_allowlist": forms.Textarea(attrs={"rows": 4})}

    def clean_password_min_length(self):
        value = self.cleaned_data["password_min_length"]
        if value < 12:
            raise forms.ValidationError(_("The minimum length cannot be below 12 characters."))
        return value


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "parent"]
