"""A real SMTP server (aiosmtpd) on a free 127.0.0.1 port, which tests can stop and start."""

import socket
import threading
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings


class Recorder:
    """aiosmtpd handler: keeps every message received and counts SMTP sessions."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self.lock:
            self.sessions += 1
        return responses

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append(
                {"from": envelope.mail_from, "rcpt": list(envelope.rcpt_tos), "msg": parsed}
            )
        return "250 Message accepted for delivery"

    def ids(self):
        return [int(m["msg"]["X-Civitas-Message-Id"]) for m in self.messages]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.handler = Recorder()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self):
        return override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=self.port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=5,
        )


@pytest.fixture
def smtp_server():
    """Not started: call .start() (and .stop()); settings() points Django at it."""
    server = SmtpServer()
    with server.settings():
        yield server
    server.stop()
