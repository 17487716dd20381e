from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from .permissions import is_backoffice_user


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts are created by administrators or by a module's own registration flow
        # (e.g. event registration); open self-signup only where a deployment wants it.
        return settings.CIVITAS_OPEN_SIGNUP

    def get_login_redirect_url(self, request):
        if is_backoffice_user(request.user):
            return reverse("core:backoffice_home")
        return reverse("core:area_home")
