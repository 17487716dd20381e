import secrets
import shutil

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from .. import metrics
from ..permissions import Access, has_perm, permission_required, public


@public
def set_language(request):
    return django_set_language(request)


def login_elsewhere(request, *args, **kwargs):
    """Wagtail's own login pages (admin and front end) lead to allauth's login.

    Every login goes through allauth, its lockout, its journal and its second factor. The
    page asked for (`next`) is kept; someone already logged in goes straight to it (a local
    address only).
    """
    next_url = request.GET.get("next", "")
    if request.user.is_authenticated:
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("core:home_after_login")
        return redirect(next_url)
    target = reverse("account_login")
    if next_url:
        target += "?" + urlencode({"next": next_url})
    return redirect(target)


# Anonymous visitors are sent to log in, logged-in people go on: a "login" view.
login_elsewhere.civitas_access = Access("login")


@public
def password_reset_elsewhere(request, *args, **kwargs):
    """Wagtail's password reset pages lead to allauth's (one reset flow, journaled)."""
    return redirect("account_reset_password")


@public
@never_cache
def health(request):
    """Liveness and readiness: database, task backlog, disk. 200 if all ok, else 503.

    The public gets only "ok" / "error"; the details (database vendor, backlog, free disk)
    are for the monitoring token (`Authorization: Bearer <CIVITAS_METRICS_TOKEN>`)."""
    checks = {}
    ok = True
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        checks["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:
        ok = False
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    try:
        from django_tasks_db.models import DBTaskResult

        backlog = DBTaskResult.objects.ready().count()
        backlog_ok = backlog <= settings.CIVITAS_HEALTH_MAX_TASK_BACKLOG
        checks["tasks"] = {"ok": backlog_ok, "backlog": backlog}
        ok &= backlog_ok
    except Exception as exc:
        ok = False
        checks["tasks"] = {"ok": False, "error": type(exc).__name__}
    usage = shutil.disk_usage(settings.MEDIA_ROOT if settings.MEDIA_ROOT.exists() else "/")
    free_mb = usage.free // (1024 * 1024)
    disk_ok = free_mb >= settings.CIVITAS_HEALTH_MIN_FREE_DISK_MB
    checks["disk"] = {"ok": disk_ok, "free_mb": free_mb}
    ok &= disk_ok
    data = {"status": "ok" if ok else "error"}
    if monitoring_token_given(request):
        data.update(time=timezone.now().isoformat(), checks=checks)
    return JsonResponse(data, status=200 if ok else 503)


def monitoring_token_given(request) -> bool:
    token = settings.CIVITAS_METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    return bool(token) and secrets.compare_digest(given.encode(), f"Bearer {token}".encode())


def _metrics_response():
    return HttpResponse(metrics.render(), content_type="text/plain; version=0.0.4")


@never_cache
def metrics_view(request):
    """Prometheus metrics: a bearer token (scraper) or the core.view_metrics permission."""
    if monitoring_token_given(request):
        return _metrics_response()
    return _metrics_with_permission(request)


@permission_required("core.view_metrics")
def _metrics_with_permission(request):
    return _metrics_response()


metrics_view.civitas_access = _metrics_with_permission.civitas_access


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def database_unavailable() -> bool:
    """True when the exception being handled is the database being out of reach."""
    import sys

    from django.db import InterfaceError, OperationalError

    exc = sys.exc_info()[1]
    return isinstance(exc, OperationalError | InterfaceError)


def error_500(request):
    # Rendered with the request so the page follows the visitor's language; no stack trace.
    if database_unavailable():
        # The database restarts or is unreachable: say so and invite to retry (503), with a
        # page that needs no database (no context processor reads it).
        from django.template.loader import render_to_string

        html = render_to_string("503.html")
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "30"
        return response
    try:
        return render(request, "500.html", status=500)
    except Exception:
        return HttpResponse("Erreur interne / Internal error", status=500)


def can(user, codename, obj=None):
    return has_perm(user, codename, obj)
