"""Health, metrics, security headers, error pages, language, API permission helper."""

import json

import pytest
from django.test import override_settings
from django.urls import include, path

from civitas.core.permissions import public

pytestmark = pytest.mark.django_db


MONITORING = {"HTTP_AUTHORIZATION": "Bearer health-token"}


@override_settings(CIVITAS_METRICS_TOKEN="health-token")
def test_health_reports_database_tasks_and_disk(client):
    response = client.get("/health", **MONITORING)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert set(data["checks"]) == {"database", "tasks", "disk"}
    assert data["checks"]["database"]["ok"] is True


@override_settings(CIVITAS_METRICS_TOKEN="health-token")
def test_health_tells_the_public_only_ok_or_not(client):
    """Issue 31: no database vendor, backlog or free disk space for anonymous visitors."""
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/health", HTTP_AUTHORIZATION="Bearer wrong").json() == {"status": "ok"}
    with override_settings(CIVITAS_HEALTH_MIN_FREE_DISK_MB=10**12):
        response = client.get("/health")
    assert response.status_code == 503 and response.json() == {"status": "error"}
    with override_settings(CIVITAS_METRICS_TOKEN=""):
        assert client.get("/health", HTTP_AUTHORIZATION="Bearer ").json() == {"status": "ok"}


@override_settings(CIVITAS_METRICS_TOKEN="health-token")
def test_health_fails_with_503_when_disk_is_short(client):
    with override_settings(CIVITAS_HEALTH_MIN_FREE_DISK_MB=10**12):
        response = client.get("/health", **MONITORING)
    assert response.status_code == 503
    assert response.json()["checks"]["disk"]["ok"] is False


@override_settings(CIVITAS_METRICS_TOKEN="health-token")
def test_health_counts_the_task_backlog(client):
    from django_tasks_db.models import DBTaskResult

    with override_settings(CIVITAS_HEALTH_MAX_TASK_BACKLOG=-1):
        response = client.get("/health", **MONITORING)
    assert response.status_code == 503
    assert response.json()["checks"]["tasks"]["backlog"] == DBTaskResult.objects.count()


def test_metrics_need_a_token_or_the_permission(client, client_for):
    assert client.get("/metrics").status_code == 302
    assert client_for("secondary").get("/metrics").status_code == 403
    body = client_for("principal").get("/metrics").content.decode()
    assert "civitas_http_requests_total" in body
    with override_settings(CIVITAS_METRICS_TOKEN="s3cret-token"):
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 302


def test_security_headers(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    cookie = response.cookies["csrftoken"]
    assert cookie["httponly"]


def test_production_settings_are_strict(monkeypatch):
    import importlib

    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    # base.py was imported once already: its key list is what production.py sees
    monkeypatch.setattr(
        "civitas.settings.base.CIVITAS_FIELD_KEYS",
        ["dGVzdC1vbmx5LWZpZWxkLWtleS1ub3Qtc2VjcmV0ISE="],
    )
    prod = importlib.import_module("civitas.settings.production")
    prod = importlib.reload(prod)
    assert prod.SECURE_HSTS_SECONDS >= 31536000
    assert prod.SESSION_COOKIE_SECURE and prod.CSRF_COOKIE_SECURE
    assert prod.SESSION_COOKIE_HTTPONLY
    assert prod.SECURE_SSL_REDIRECT
    assert prod.DEBUG is False


def test_friendly_404_in_both_languages(client):
    fr = client.get("/nulle-part/", HTTP_ACCEPT_LANGUAGE="fr")
    assert fr.status_code == 404
    assert "Page introuvable" in fr.content.decode()
    client.cookies["django_language"] = "en"
    en = client.get("/nulle-part/")
    assert "Page not found" in en.content.decode()


def boom(request):
    raise RuntimeError("secret stack detail")


urlpatterns = [path("boom/", public(boom)), path("", include("civitas.urls"))]
handler500 = "civitas.core.views.public.error_500"


def test_500_page_shows_no_stack_trace(client):
    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF=__name__):
        response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    body = response.content.decode()
    assert "secret stack detail" not in body and "Traceback" not in body
    assert "Something went wrong" in body


def test_language_switch_sets_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/")
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()


def test_api_declares_permissions_and_answers_401_403_with_reason(client, client_for, users):
    from civitas.core import tokens

    anonymous = client.get("/api/v1/me/")
    assert anonymous.status_code in (401, 403)
    assert "detail" in anonymous.json()
    _token, key = tokens.issue(users["secondary"], "test", mfa_verified=True)
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert me.status_code == 200
    assert set(me.json()["permissions"]) == {"core.access_backoffice", "core.view_journal"}


def test_openapi_schema_lists_only_our_api(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = json.loads(response.content)
    assert "/api/v1/me/" in schema["paths"]
    assert not [p for p in schema["paths"] if not p.startswith("/api/")]


def test_structured_json_logs():
    import logging

    from django.utils.module_loading import import_string

    from civitas.settings import base

    config = dict(base.LOGGING["formatters"]["json"])
    formatter = import_string(config.pop("()"))(**config)
    record = logging.LogRecord(
        "civitas.test", logging.WARNING, __file__, 1, "hello %s", ("world",), None
    )
    data = json.loads(formatter.format(record))
    assert data["message"] == "hello world"
    assert data["levelname"] == "WARNING"
    assert data["name"] == "civitas.test"


def test_periodic_runner_lists_and_runs_jobs():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("runperiodic", "--list", stdout=out)
    assert "core.purge_login_journal" in out.getvalue()
    out = StringIO()
    call_command("runperiodic", "--job", "core.purge_login_journal", stdout=out)
    assert "core.purge_login_journal: ok" in out.getvalue()
