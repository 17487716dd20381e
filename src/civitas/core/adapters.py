from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from .permissions import is_backoffice_user


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        if is_backoffice_user(request.user):
            return reverse("core:backoffice_home")
        return reverse("core:area_home")
