import re
import time
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import metrics
from .permissions import is_backoffice_user

BACKOFFICE_PREFIXES = ("/backoffice/", "/cms/")
SESSION_LAST_SEEN = "civitas_bo_last_seen"


@dataclass(frozen=True)
class Refusal:
    """Why the back-office guard refuses a request (the screens redirect, the API says 403)."""

    reason: str  # "ip" | "mfa_setup" | "mfa_session"
    message: str


def session_passed_mfa(request, user) -> bool:
    """True if this session's login went through allauth's second-factor stage.

    allauth keeps, in the session, the list of authentication steps completed for the user
    (password, mfa, ...); a login by any other path (Wagtail's, `auth.login` elsewhere) has
    no "mfa" step.
    """
    from allauth.account.authentication import get_authentication_records

    session = getattr(request, "session", None)
    if session is None:
        return False
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, user))


def guard_refusal(request, user, org, *, mfa_passed=None) -> Refusal | None:
    """The one back-office access rule, shared by the screens and the API.

    `mfa_passed` tells whether this authentication passed the second factor; None means
    "read it from the session" (an API token carries its own answer, see core.tokens).
    Checks: the IP allowlist, then for back-office users the mandatory second factor
    (organisation setting) and, for anyone who has one, that it was used for this login.
    """
    if not org.ip_allowed(request.META.get("REMOTE_ADDR")):
        return Refusal(
            "ip",
            _(
                "The back office cannot be reached from your network address. "
                "Contact your administrator if you need access from here."
            ),
        )
    if user is None or not user.is_authenticated or not is_backoffice_user(user):
        return None
    user_has_mfa = has_mfa(user)
    if org.mfa_required_backoffice and not user_has_mfa:
        return Refusal(
            "mfa_setup",
            _(
                "Your role gives access to the back office: set up two-factor "
                "authentication (an authenticator app or a security key) first."
            ),
        )
    if user_has_mfa:
        passed = session_passed_mfa(request, user) if mfa_passed is None else mfa_passed
        if not passed:
            return Refusal(
                "mfa_session",
                _(
                    "This session was opened without your second factor: confirm it with "
                    "your authenticator app or security key to reach the back office."
                ),
            )
    return None


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
            refusal = guard_refusal(request, user, org)
            return render(request, "403.html", {"message": refusal.message}, status=403)
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

        refusal = guard_refusal(request, user, org)
        if refusal is None:
            return None
        messages.warning(request, refusal.message)
        if refusal.reason == "mfa_setup":
            return redirect(reverse("mfa_index"))
        # mfa_session: prove the second factor in this session, then come back.
        return redirect(
            f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}"
        )


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


# Inline scripts the Wagtail admin writes itself (date/time widgets, inline panels, chooser
# widgets): a known Wagtail function or constructor called with an element id and DATA only
# (the argument must parse as JSON, so it holds no code). Only these get the request's CSP
# nonce; any other inline script on /cms/ stays blocked by the policy.
_CMS_SCRIPT = re.compile(r"<script>(?P<body>[^<]*)</script>")
_CMS_KNOWN_SCRIPTS = [
    re.compile(r'\s*init(?:DateTime|Date|Time)Chooser\("[\w\-]+", (?P<json>\{[^<]*\})\);\s*'),
    re.compile(r'\s*new \w+Chooser\("[\w\-]+", (?P<json>\{[^<]*\})\);\s*'),
    re.compile(
        r"\s*\(function\(\) \{\s*var panel = new (?:InlinePanel|MultipleChooserPanel)"
        r'\(JSON\.parse\((?P<string>"[^"<]*")\)\);\s*\}\)\(\);\s*'
    ),
]


def _known_wagtail_script(body: str) -> bool:
    import json

    for pattern in _CMS_KNOWN_SCRIPTS:
        match = pattern.fullmatch(body)
        if match is None:
            continue
        try:
            json.loads(match.groupdict().get("json") or match["string"])
        except ValueError:
            return False
        return True
    return False


class CmsContentSecurityPolicyMiddleware:
    """The site's Content Security Policy on the Wagtail admin too (/cms/), not an exclusion.

    Wagtail 7 needs two allowances there: its own inline init scripts (given the request's
    nonce, see _CMS_KNOWN_SCRIPTS) and `<style>` elements its bundled editor libraries insert
    at run time (style-src 'unsafe-inline', /cms/ only). Placed after csp.middleware's
    CSPMiddleware in MIDDLEWARE so that its changes reach the header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/cms/"):
            return response
        update = {"style-src": ["'unsafe-inline'"], "img-src": ["blob:"]}
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and not getattr(response, "streaming", False):
            charset = response.charset or "utf-8"
            body = response.content.decode(charset, errors="replace")
            nonced = 0

            def add_nonce(match):
                nonlocal nonced
                if _known_wagtail_script(match["body"]):
                    nonced += 1
                    return f'<script nonce="{request.csp_nonce}">{match["body"]}</script>'
                return match[0]

            body = _CMS_SCRIPT.sub(add_nonce, body)
            if nonced:
                from csp.constants import NONCE

                response.content = body.encode(charset)
                update["script-src"] = [NONCE]
        existing = getattr(response, "_csp_update", None) or {}
        response._csp_update = {**existing, **update}
        return response
