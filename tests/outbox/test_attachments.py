"""E-mail attachments: stored with the message, sent through a real SMTP server (aiosmtpd)."""

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from civitas.core.gdpr import registry
from civitas.core.outbox import services
from civitas.core.outbox.models import Attachment, Message

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% fake but binary \x00\xff\xfe\n%%EOF\n"


def _parts(parsed):
    return [
        (p.get_filename(), p.get_content_type(), p.get_payload(decode=True))
        for p in parsed.walk()
        if p.get_filename()
    ]


def test_attachments_are_delivered_byte_for_byte(smtp_server, django_capture_on_commit_callbacks):
    smtp_server.start()
    with django_capture_on_commit_callbacks(execute=True):
        msg = services.queue_email(
            "anne@example.org",
            "Votre convocation",
            "Bonjour, voici votre convocation.",
            attachments=[
                ("convocation.pdf", PDF, "application/pdf"),
                ("programme.txt", "Journée 1 : 9 h – 12 h", "text/plain"),
            ],
        )
    msg.refresh_from_db()
    assert msg.state == Message.State.SENT
    assert [(a.filename, a.size) for a in msg.attachments.all()] == [
        ("convocation.pdf", len(PDF)),
        ("programme.txt", len("Journée 1 : 9 h – 12 h".encode())),
    ]
    (received,) = smtp_server.handler.messages
    parsed = received["msg"]
    assert parsed.is_multipart()
    files = _parts(parsed)
    assert files[0] == ("convocation.pdf", "application/pdf", PDF)
    assert files[1][0] == "programme.txt"
    assert files[1][2].decode("utf-8") == "Journée 1 : 9 h – 12 h"
    body = next(
        p for p in parsed.walk() if p.get_content_type() == "text/plain" and not p.get_filename()
    )
    assert "voici votre convocation" in body.get_payload(decode=True).decode("utf-8")


def test_templated_message_carries_attachments(
    smtp_server, django_capture_on_commit_callbacks, org
):
    smtp_server.start()
    with django_capture_on_commit_callbacks(execute=True):
        msg = services.queue_templated(
            "core.welcome",
            "p@example.org",
            {"name": "Ana"},
            attachments=[("a.pdf", PDF, "application/pdf")],
        )
    assert msg.template_code == "core.welcome"
    (received,) = smtp_server.handler.messages
    assert _parts(received["msg"]) == [("a.pdf", "application/pdf", PDF)]


def test_attachments_roll_back_with_the_message():
    with pytest.raises(RuntimeError), transaction.atomic():
        services.queue_email("p@example.org", "S", "B", attachments=[("a.pdf", PDF, "x/y")])
        raise RuntimeError("business rule failed")
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()


def test_too_large_attachments_are_refused(settings):
    settings.CIVITAS_OUTBOX_MAX_ATTACHMENTS_BYTES = 10
    with translation.override("en"), pytest.raises(ValueError, match="too large"):
        services.queue_email("p@example.org", "S", "B", attachments=[("a.pdf", PDF, "x/y")])
    assert not Message.objects.exists()


def test_file_name_cannot_inject_headers_or_paths(smtp_server, django_capture_on_commit_callbacks):
    smtp_server.start()
    with django_capture_on_commit_callbacks(execute=True):
        msg = services.queue_email(
            "p@example.org", "S", "B", attachments=[("../x\r\nBcc: evil@example.org", b"1", "")]
        )
    name = msg.attachments.get().filename
    assert "\n" not in name and "/" not in name
    (received,) = smtp_server.handler.messages
    assert received["rcpt"] == ["p@example.org"]


def test_resending_a_sent_message_sends_the_attachments_again(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.start()
    with django_capture_on_commit_callbacks(execute=True):
        msg = services.queue_email("p@example.org", "S", "B", attachments=[("a.pdf", PDF, "")])
    msg.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        copy = services.resend(msg)
    assert copy.pk != msg.pk
    assert bytes(copy.attachments.get().content) == PDF
    assert len(smtp_server.handler.messages) == 2
    assert _parts(smtp_server.handler.messages[1]["msg"])[0][2] == PDF


def test_erasure_deletes_the_attachments_with_the_messages():
    services.queue_email("erase@example.org", "S", "B", attachments=[("a.pdf", PDF, "")])
    services.queue_email("keep@example.org", "S", "B", attachments=[("b.pdf", PDF, "")])
    decl = registry.declaration("outbox.Attachment")
    assert [a.filename for a in decl.queryset("erase@example.org", None)] == ["a.pdf"]
    Message.objects.filter(to="erase@example.org").delete()
    assert list(Attachment.objects.values_list("filename", flat=True)) == ["b.pdf"]


def test_message_detail_lists_the_attachments(client_for):
    msg = services.queue_email("p@example.org", "S", "B", attachments=[("conv.pdf", PDF, "")])
    html = client_for("principal").get(reverse("outbox:message_detail", args=[msg.pk]))
    assert "conv.pdf" in html.content.decode()
