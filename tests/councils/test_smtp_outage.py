"""An SMTP outage delays the mails without losing any (outbox); the proof shows the time the
server really accepted each one."""

import io
import json
import socket

import pytest
from django.utils import timezone

from civitas.core.outbox import services as outbox
from civitas.core.outbox.models import Message
from civitas.councils.models import Sending
from civitas.councils.services import documents as docs
from civitas.councils.services import proof
from civitas.councils.services import sending as svc

from .conftest import make_pdf


class Inbox:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append(envelope.rcpt_tos)
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_outage_delays_mails_and_the_proof_shows_real_times(
    sitting, settings, django_capture_on_commit_callbacks
):
    from aiosmtpd.controller import Controller

    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_TIMEOUT = 5
    data = make_pdf(3000)
    docs.add_file(
        sitting,
        kind="convocation",
        title="Convocation",
        fileobj=io.BytesIO(data),
        file_name="c.pdf",
        size=len(data),
    )
    with django_capture_on_commit_callbacks(execute=True):
        sending = svc.send(sitting, Sending.Phase.BEFORE)  # nothing listens on the port
    anne = sending.deliveries.get(official__email="anne@petiteville.fr")
    message = Message.objects.get(pk=anne.message_id)
    assert message.state == "retrying" and message.sent_at is None
    first = json.loads(proof.seal(sending).manifest)
    rec = {r["email"]: r for r in first["recipients"]}["anne@petiteville.fr"]
    assert rec["smtp_accepted_at"] is None and rec["smtp_state"] == "retrying"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        # Time passes: the retry falls due (the test moves the clock of the row only).
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            outbox.send_due()
    finally:
        controller.stop()
    assert inbox.received == [["anne@petiteville.fr"]]
    message.refresh_from_db()
    assert message.state == "sent" and message.sent_at > sending.sent_at
    later = json.loads(proof.seal(sending).manifest)
    rec = {r["email"]: r for r in later["recipients"]}["anne@petiteville.fr"]
    assert rec["smtp_accepted_at"] == message.sent_at.isoformat()
