"""Participant area: what every logged-in person has (profile, security, deletion)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..middleware import has_mfa
from ..models import User
from ..permissions import is_backoffice_user, login_required


@login_required
def home_after_login(request):
    if is_backoffice_user(request.user):
        return redirect("core:backoffice_home")
    return redirect("core:area_home")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "language"]


@login_required
def area_home(request):
    """ "Mon espace": what the person has in each module switched on (their events, files,
    tickets) and what waits for them there, then their account as one entry among others."""
    from .. import home

    sections, pending = home.render_area_sections(request)
    return render(
        request,
        "core/area/home.html",
        {
            "module_sections": sections,
            "pending": pending,
            "has_mfa": has_mfa(request.user),
            "is_backoffice": is_backoffice_user(request.user),
        },
    )


@login_required
def area_account(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        response = redirect("core:area_account")
        from django.conf import settings

        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, request.user.language, samesite="Lax", httponly=True
        )
        return response
    return render(
        request,
        "core/area/account.html",
        {"form": form, "has_mfa": has_mfa(request.user)},
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password, to confirm"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError(gettext_lazy("The password is not correct."))
        return ""


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        from civitas.core.gdpr.services import Subject, erase

        user = request.user
        subject = Subject(email=user.email, user=user)
        logout(request)
        # Every model deletes or anonymises what it holds on the person, as it declared
        # (civitas.core.gdpr registry); the journal keeps a hashed trace of the request.
        erase(subject, request=request)
        messages.success(request, _("Your account and its personal data have been deleted."))
        return redirect("/")
    return render(request, "core/area/delete_account.html", {"form": form})
