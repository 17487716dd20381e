import time

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import metrics
from .permissions import is_backoffice_user

BACKOFFICE_PREFIXES = ("/backoffice/", "/cms/")
SESSION_LAST_SEEN = "civitas_bo_last_seen"


class BackofficeGuardMiddleware:
    """Back-office protections: IP allowlist, idle timeout, mandatory MFA, password renewal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.check(request)
        return response if response is not None else self.get_response(request)

    def check(self, request):
        from .models import LoginEvent, Organisation
        from .signals import log_event

        path = request.path
        in_backoffice = path.startswith(BACKOFFICE_PREFIXES)
        user = request.user
        if not in_backoffice and not user.is_authenticated:
            return None
        org = Organisation.get()
        request.organisation = org

        if in_backoffice and not org.ip_allowed(request.META.get("REMOTE_ADDR")):
            log_event(LoginEvent.Kind.IP_REFUSED, request, user if user.is_authenticated else None)
            return render(
                request,
                "403.html",
                {
                    "message": _(
                        "The back office cannot be reached from your network address. "
                        "Contact your administrator if you need access from here."
                    )
                },
                status=403,
            )
        if not user.is_authenticated:
            return None

        # Forced password renewal (organisation policy).
        if org.password_renewal_days and not path.startswith(("/accounts/", "/static/")):
            changed = user.password_changed_at or user.date_joined
            if changed + timezone.timedelta(days=org.password_renewal_days) < timezone.now():
                messages.warning(request, _("Your password has expired. Please choose a new one."))
                return redirect("account_change_password")

        if not in_backoffice:
            return None

        now = time.time()
        last_seen = request.session.get(SESSION_LAST_SEEN)
        if last_seen and now - last_seen > org.backoffice_idle_minutes * 60:
            logout(request)
            messages.info(
                request,
                _("Your back-office session expired after %(n)d minutes of inactivity.")
                % {"n": org.backoffice_idle_minutes},
            )
            return redirect_to_login(request.get_full_path())
        request.session[SESSION_LAST_SEEN] = now

        if org.mfa_required_backoffice and is_backoffice_user(user) and not has_mfa(user):
            messages.warning(
                request,
                _(
                    "Your role gives access to the back office: set up two-factor "
                    "authentication (an authenticator app or a security key) first."
                ),
            )
            return redirect(reverse("mfa_index"))
        return None


def has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else "unresolved"
        metrics.observe_request(
            request.method, view, response.status_code, time.perf_counter() - start
        )
        return response
