"""Replies by e-mail through a real local SMTP server (aiosmtpd), threaded by the signed
reference of the subject, quoted history stripped."""

import smtplib
import socket
from email.message import EmailMessage

import pytest

from civitas.support.management.commands.support_smtpd import controller
from civitas.support.models import Message
from civitas.support.services import inbound, tickets


def test_strip_quoted_history():
    text = (
        "Voici le journal demandé.\nBonne journée\n\n"
        "Le lun. 8 mars 2027 à 10:00, Support <support@example.org> a écrit :\n"
        "> Pouvez-vous préciser ?\n"
    )
    assert inbound.strip_quoted(text) == "Voici le journal demandé.\nBonne journée"
    assert inbound.strip_quoted("Ok\n-----Original Message-----\nFrom: x") == "Ok"
    assert inbound.strip_quoted("Merci\n-- \nMarie") == "Merci"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mail(sender, subject, body):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@example.org"
    msg["Subject"] = subject
    msg.set_content(body)
    return msg


@pytest.mark.django_db(transaction=True)
def test_reply_by_email_lands_in_the_ticket(desk, open_ticket):
    ticket = open_ticket()
    tickets.agent_reply(ticket, desk["agent"], "Précisez", "to_qualify_customer")
    port = free_port()
    smtpd = controller(port=port)
    smtpd.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as client:
            subject = f"Re: [{tickets.reference(ticket)}] Réponse à votre demande"
            body = "Le certificat a expiré hier.\n\nLe 8 mars, Support a écrit :\n> Précisez\n"
            client.send_message(mail(desk["referent"].email, subject, body))
            # A wrong token, or a sender outside the structure: refused with 550.
            forged = f"Re: [{ticket.number}#000000000000] x"
            with pytest.raises(smtplib.SMTPDataError) as refused:
                client.send_message(mail(desk["referent"].email, forged, "Hack"))
            assert refused.value.smtp_code == 550
            with pytest.raises(smtplib.SMTPDataError):
                client.send_message(mail(desk["outsider"].email, subject, "Intrus"))
    finally:
        smtpd.stop()
    last = Message.objects.filter(ticket=ticket).order_by("pk").last()
    assert last.text == "Le certificat a expiré hier."
    assert last.by_email and last.author == desk["referent"]
    ticket.refresh_from_db()
    assert ticket.state.code == "customer_reply"  # the clock runs again
