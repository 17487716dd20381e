"""SMTP endpoint for replies by e-mail: ``manage.py support_smtpd --port 8025``.

Point an MX (or a relay's transport for the support address) at it. Each mail is filed in
the ticket its subject names (see civitas.support.services.inbound); an unknown reference
or sender is refused with 550, so the sender's server tells them."""

import time

from asgiref.sync import sync_to_async
from django.core.management.base import BaseCommand


class Handler:
    async def handle_DATA(self, server, session, envelope):
        from civitas.support.services import inbound

        try:
            await sync_to_async(inbound.receive, thread_sensitive=False)(
                envelope.original_content or envelope.content, envelope.mail_from or ""
            )
        except inbound.InboundError as exc:
            return f"550 {exc}"
        return "250 Message accepted"


def controller(host="127.0.0.1", port=8025):
    from aiosmtpd.controller import Controller

    return Controller(Handler(), hostname=host, port=port)


class Command(BaseCommand):
    help = "Receive replies to support mails over SMTP and file them in their tickets."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8025)

    def handle(self, *args, host, port, **options):
        smtpd = controller(host, port)
        smtpd.start()
        self.stdout.write(f"Support SMTP endpoint on {host}:{port}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            smtpd.stop()
