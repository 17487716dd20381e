"""Availability probe: GET the login page, record the result, alert the principal
administrators once after N consecutive failures and once when the service is back."""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request

from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import conf
from .models import ProbeResult

logger = logging.getLogger(__name__)

DOWN_TITLE = _("The platform is not answering")
DOWN_DETAILS = _("%(n)d consecutive failed checks of %(url)s. Last error: %(error)s")
UP_TITLE = _("The platform is available again")
UP_DETAILS = _("%(url)s answers again after %(n)d failed checks.")


def check(url: str, timeout: float) -> dict:
    """One HTTP GET; ok when the answer is a 2xx."""
    started = time.monotonic()
    status, error = None, ""
    if not url.startswith(("http://", "https://")):
        return {"ok": False, "status_code": None, "milliseconds": 0, "error": "not an http(s) URL"}
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "Civitas-probe/1"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
            response.read(65536)
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code} {exc.reason}"
    except Exception as exc:  # timeouts, refused connections, DNS, TLS...
        error = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
    ms = int((time.monotonic() - started) * 1000)
    ok = status is not None and 200 <= status < 300
    return {"ok": ok, "status_code": status, "milliseconds": ms, "error": error[:500]}


def _failures_before(result: ProbeResult) -> int:
    """Consecutive failures just before `result`."""
    earlier = ProbeResult.objects.filter(at__lt=result.at) | ProbeResult.objects.filter(
        at=result.at, id__lt=result.id
    )
    last_ok = earlier.filter(ok=True).order_by("-at", "-id").first()
    failures = earlier.filter(ok=False)
    if last_ok is not None:
        failures = failures.filter(at__gte=last_ok.at).exclude(pk=last_ok.pk)
    return failures.count()


def administrators():
    from civitas.core.models import Role, User

    return list(
        User.objects.filter(is_active=True, role_assignments__role__code=Role.PRINCIPAL_ADMIN)
        .distinct()
        .order_by("email")
    )


def notify(title, details, params: dict, when) -> int:
    """Alert every principal administrator, in their language; through the outbox when it
    is installed (it keeps and retries the message), else directly with Django's mailer."""
    admins = administrators()
    stamp = timezone.localtime(when).strftime("%Y-%m-%d %H:%M:%S")
    try:
        from civitas.core.outbox.services import queue_templated
    except ImportError:
        queue_templated = None
    for admin in admins:
        with translation.override(getattr(admin, "language", None) or "fr"):
            title_text, details_text = str(title), str(details) % params
        context = {"title": title_text, "details": details_text, "time": stamp}
        if queue_templated is not None:
            try:
                queue_templated("core.admin_alert", admin, context)
                continue
            except Exception:  # an alert must still go out: fall back to a direct mail
                logger.exception("outbox refused the availability alert to %s", admin.email)
        try:
            send_mail(f"[Civitas] {title_text}", f"{details_text}\n\n{stamp}", None, [admin.email])
        except Exception:
            logger.exception("availability alert to %s could not be sent", admin.email)
    return len(admins)


def run(url: str | None = None, now=None) -> ProbeResult:
    """Check once, record the result, send the outage or recovery alert when due."""
    from civitas.core import journal

    url = url or conf.probe_url()
    threshold = max(1, conf.probe_failures())
    outcome = check(url, conf.probe_timeout())
    result = ProbeResult.objects.create(at=now or timezone.now(), url=url[:500], **outcome)
    before = _failures_before(result)
    if not result.ok and before + 1 == threshold:
        count = notify(
            DOWN_TITLE,
            DOWN_DETAILS,
            {"n": threshold, "url": url, "error": result.error or result.status_code},
            result.at,
        )
        result.alert = ProbeResult.Alert.DOWN
        result.save(update_fields=["alert"])
        journal.record("probe.alert_down", obj=result, details={"url": url, "sent_to": count})
    elif result.ok and before >= threshold:
        count = notify(UP_TITLE, UP_DETAILS, {"url": url, "n": before}, result.at)
        result.alert = ProbeResult.Alert.UP
        result.save(update_fields=["alert"])
        journal.record("probe.alert_up", obj=result, details={"url": url, "sent_to": count})
    return result
