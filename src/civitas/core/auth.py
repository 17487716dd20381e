"""django-axes glue: which login is being attempted, and what a locked-out person sees."""

from django.shortcuts import render
from django.utils.translation import gettext as _


def axes_username(request, credentials):
    """The login typed (lower-cased), from allauth's credentials or the login form."""
    value = ""
    if credentials:
        value = credentials.get("email") or credentials.get("username") or ""
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login", "")
    return str(value).strip().lower()


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    # Same answer whether or not the account exists: axes counts failures per login typed.
    return render(
        request,
        "core/lockout.html",
        {
            "message": _(
                "Too many failed attempts. For your security, logging in with this "
                "account is suspended for a while. Try again later or reset your password."
            )
        },
        status=429,
    )
