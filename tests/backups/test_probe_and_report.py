import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone, translation

from civitas.core.backups import probe, report
from civitas.core.backups.models import ProbeResult


class LoginPage:
    """A real HTTP server on 127.0.0.1 whose answer can be switched."""

    def __init__(self):
        page = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(page.status)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<form>login</form>")

            def log_message(self, *args):
                pass

        self.status = 200
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/accounts/login/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def login_page():
    page = LoginPage()
    yield page
    page.stop() if page.thread.is_alive() else None


def _subjects_with(title):
    # The administrators' language (French by default) is used for their mail.
    with translation.override("fr"):
        text = str(title)
    return [m for m in mail.outbox if text in m.subject]


def alerts():
    return _subjects_with(probe.DOWN_TITLE)


def recoveries():
    return _subjects_with(probe.UP_TITLE)


@pytest.mark.django_db
def test_alert_once_after_consecutive_failures_then_recovery(
    settings, users, login_page, django_capture_on_commit_callbacks
):
    settings.CIVITAS_PROBE_FAILURES = 3
    settings.CIVITAS_PROBE_TIMEOUT = 2
    t0 = timezone.now()

    def check(minutes, url=None):
        with django_capture_on_commit_callbacks(execute=True):
            return probe.run(url or login_page.url, now=t0 + timedelta(minutes=minutes))

    assert check(0).ok
    login_page.status = 500
    r1, r2 = check(5), check(10)
    assert (r1.ok, r1.status_code) == (False, 500)
    assert not r2.ok and alerts() == []  # two failures: not yet

    login_page.stop()  # the server is down: connection refused
    r3 = check(15)
    assert not r3.ok and r3.status_code is None and "refused" in r3.error.lower()
    assert r3.alert == ProbeResult.Alert.DOWN
    assert len(alerts()) == 1
    assert alerts()[0].to == ["principal@example.org"]  # principal administrators only

    check(20)
    check(25)
    assert len(alerts()) == 1 and recoveries() == []  # still down: no repeated alert

    back = LoginPage()
    try:
        r6 = check(30, back.url)
        assert r6.ok and r6.alert == ProbeResult.Alert.UP
        assert len(recoveries()) == 1 and recoveries()[0].to == ["principal@example.org"]
        check(35, back.url)
        assert len(recoveries()) == 1 and len(alerts()) == 1
    finally:
        back.stop()


@pytest.mark.django_db
def test_short_outage_sends_nothing(
    settings, users, login_page, django_capture_on_commit_callbacks
):
    settings.CIVITAS_PROBE_FAILURES = 3
    t0 = timezone.now()
    for i, status in enumerate([500, 500, 200, 500, 200]):
        login_page.status = status
        with django_capture_on_commit_callbacks(execute=True):
            probe.run(login_page.url, now=t0 + timedelta(minutes=i))
    assert alerts() == [] and recoveries() == []
    assert ProbeResult.objects.filter(ok=False).count() == 3


@pytest.mark.django_db
def test_service_report_of_a_month(settings, tmp_path):
    from civitas.core.models import LoginEvent

    settings.CIVITAS_BACKUP_DIR = str(tmp_path)
    tz = timezone.get_current_timezone()
    at = lambda d, h, m=0: timezone.make_aware(datetime(2026, 3, d, h, m), tz)  # noqa: E731
    for when, ok in [
        (at(1, 0), True),
        (at(2, 10), False),
        (at(2, 10, 5), False),
        (at(2, 10, 10), True),
        (at(31, 23, 50), False),
        (at(31, 23, 55), False),
    ]:
        ProbeResult.objects.create(at=when, ok=ok, url="x", status_code=200 if ok else 503)
    ProbeResult.objects.create(at=at(1, 0) - timedelta(hours=2), ok=False, url="x")  # February
    for d in (3, 4, 4):
        e = LoginEvent.objects.create(kind=LoginEvent.Kind.LOGIN, user_id=d)
        LoginEvent.objects.filter(pk=e.pk).update(created_at=at(d, 9))
    e = LoginEvent.objects.create(kind=LoginEvent.Kind.FAILURE, user_id=1)
    LoginEvent.objects.filter(pk=e.pk).update(created_at=at(5, 9))

    start, end = report.month_bounds(datetime(2026, 3, 17).date())
    r = report.build(start, end)
    assert (r.checks, r.checks_ok) == (6, 2)
    assert r.availability == pytest.approx(33.333, abs=0.001)
    assert (r.logins, r.distinct_users) == (3, 2)
    assert len(r.incidents) == 2
    first, last = r.incidents
    assert (first.start, first.end, first.checks) == (at(2, 10), at(2, 10, 10), 2)
    assert first.duration == timedelta(minutes=10)
    assert last.end is None and last.checks == 2
    assert r.downtime == timedelta(minutes=10) + (end - at(31, 23, 50))
