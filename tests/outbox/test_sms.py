"""SMS providers: the file provider and the HTTP provider against a real local server."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from civitas.core.outbox import services
from civitas.core.outbox.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_message():
    """A message registered with its SMS text (mail + SMS in one registration)."""
    from civitas.core.outbox import templates

    templates.register(
        "tests.alert",
        "Alert",
        placeholders={"title": "What happened"},
        default_subject={"fr": "Alerte : {{ title }}", "en": "Alert: {{ title }}"},
        default_body={"fr": "Bonjour, {{ title }}.", "en": "Hello, {{ title }}."},
        sms={"fr": "Alerte {{ title }}", "en": "Alert {{ title }}"},
    )
    yield "tests.alert"
    templates._registry.pop("tests.alert", None)


def test_file_provider_writes_var_sms_log(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.VAR_DIR = tmp_path
    settings.CIVITAS_SMS_PROVIDER = "file"
    with django_capture_on_commit_callbacks(execute=True):
        msg = services.queue_sms("+33 6 12 34 56 78", "Votre code : 1234")
    msg.refresh_from_db()
    assert msg.state == "sent" and msg.to == "+33612345678"
    (line,) = (tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["to"] == "+33612345678" and record["text"] == "Votre code : 1234"
    assert record["id"] == msg.provider_id


def test_invalid_phone_is_kept_as_failed():
    assert services.queue_sms("06 12", "x").state == "failed"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, dict(self.headers), json.loads(body)))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": f"ref-{len(self.server.received)}"}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_gateway(settings):
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    server.received, server.statuses = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CIVITAS_SMS_PROVIDER = "http"
    settings.CIVITAS_SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.CIVITAS_SMS_HTTP_TOKEN = "s3cret-token"
    settings.CIVITAS_SMS_SENDER = "MAIRIE"
    settings.CIVITAS_SMS_HTTP_PAYLOAD = (
        '{"messages": [{"destination": "{to}", "content": "{text}"}], "from": "{sender}"}'
    )
    yield server
    server.shutdown()
    server.server_close()


def test_http_provider_posts_the_configured_payload(
    sms_gateway, django_capture_on_commit_callbacks
):
    text = 'Rendez-vous "demain" à 9h\nMerci'
    with django_capture_on_commit_callbacks(execute=True):
        msg = services.queue_sms("+33612345678", text)
    msg.refresh_from_db()
    assert msg.state == "sent" and msg.provider_id == "ref-1"
    ((path, headers, payload),) = sms_gateway.received
    assert path == "/send"
    assert headers["Authorization"] == "Bearer s3cret-token"
    assert payload == {
        "messages": [{"destination": "+33612345678", "content": text}],
        "from": "MAIRIE",
    }


def test_http_provider_errors(sms_gateway, django_capture_on_commit_callbacks):
    sms_gateway.statuses = [503, 400]
    with django_capture_on_commit_callbacks(execute=True):
        temporary = services.queue_sms("+33612345678", "a")
        permanent = services.queue_sms("+33612345679", "b")
    temporary.refresh_from_db()
    permanent.refresh_from_db()
    assert temporary.state == "retrying" and "HTTP 503" in temporary.last_error
    assert permanent.state == "failed" and "HTTP 400" in permanent.last_error
    for msg in (temporary, permanent):
        assert "s3cret-token" not in msg.last_error
    # The gateway is back: the retry delivers the temporary failure.
    Message.objects.filter(pk=temporary.pk).update(next_attempt_at=msg.created_at)
    services.send_due()
    temporary.refresh_from_db()
    assert temporary.state == "sent"
    assert len(sms_gateway.received) == 3


def test_templated_sms(settings, tmp_path, sms_message):
    settings.VAR_DIR = tmp_path
    msg = services.queue_templated(
        sms_message, "+33612345678", {"title": "Disque plein"}, channel="sms"
    )
    assert msg.channel == "sms" and "Disque plein" in msg.body_text


def test_send_message_sends_the_mail_and_the_sms_through_the_provider(
    sms_gateway, sms_message, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_message(
            sms_message,
            email="ops@example.org",
            phone="+33612345678",
            context={"title": "Disque plein"},
            language="fr",
        )
    email, sms = (Message.objects.get(pk=m.pk) for m in sent)
    assert (email.channel, email.state, email.template_code) == ("email", "sent", sms_message)
    assert mail.outbox[0].subject == "Alerte : Disque plein"
    assert (sms.channel, sms.state, sms.provider_id) == ("sms", "sent", "ref-1")
    [(_path, _headers, payload)] = sms_gateway.received
    assert payload["messages"][0] == {
        "destination": "+33612345678",
        "content": "Alerte Disque plein",
    }


def test_a_message_without_sms_sends_only_the_mail(sms_gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_message(
            "core.welcome",
            email="new@example.org",
            phone="+33612345678",
            context={"name": "Ann", "login_url": "https://x.example/login"},
        )
    assert [m.channel for m in sent] == ["email"] and sms_gateway.received == []
    with pytest.raises(ValueError):
        services.queue_templated("core.welcome", "+33612345678", {}, channel="sms")


def test_edited_sms_version_is_used(sms_message, settings, tmp_path):
    from civitas.core.outbox.models import MessageTemplate

    settings.VAR_DIR = tmp_path
    MessageTemplate.objects.create(
        code=sms_message, language="fr", channel="sms", body="Vite : {{ title }}"
    )
    [_email, sms] = services.send_message(
        sms_message, email="a@example.org", phone="+33612345678", context={"title": "panne"}
    )
    assert sms.body_text == "Vite : panne"
