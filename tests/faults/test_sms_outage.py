"""The SMS provider is down (nothing listens on its port), then comes back: every SMS queued
during the outage is delivered once, and a second run of the sender sends nothing again."""

import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from civitas.core.outbox import services
from civitas.core.outbox.models import Message

pytestmark = pytest.mark.django_db


class _Gateway(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.received.append(body["to"])
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": f"ref-{len(self.server.received)}"}).encode())

    def log_message(self, *args):
        pass


def test_sms_queued_during_an_outage_are_sent_once_when_it_ends(
    settings, django_capture_on_commit_callbacks
):
    with socket.socket() as s:  # a port where nothing listens: the provider is down
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.CIVITAS_SMS_PROVIDER = "http"
    settings.CIVITAS_SMS_HTTP_URL = f"http://127.0.0.1:{port}/send"
    settings.CIVITAS_SMS_HTTP_PAYLOAD = '{"to": "{to}", "text": "{text}"}'
    phones = [f"+3361234567{i}" for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        for phone in phones:
            services.queue_sms(phone, "Votre rendez-vous de 9 h est confirmé")
    msgs = Message.objects.filter(to__in=phones)
    assert set(msgs.values_list("state", flat=True)) == {"retrying"}  # kept, not lost

    gateway = HTTPServer(("127.0.0.1", port), _Gateway)
    gateway.received = []
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    try:
        # time passes beyond the back-off delay; the periodic sender runs twice
        msgs.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            services.send_due()
        with django_capture_on_commit_callbacks(execute=True):
            services.send_due()  # a second pass sends nothing more
        assert sorted(gateway.received) == sorted(phones)  # each one exactly once
        assert set(msgs.values_list("state", flat=True)) == {"sent"}
    finally:
        gateway.shutdown()
        gateway.server_close()
