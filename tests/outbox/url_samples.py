def url_samples():
    from civitas.core.outbox import services
    from civitas.core.outbox.models import Mailing, Message

    msg = Message.objects.create(to="sample@example.org", subject="Sample", body_text="Body")
    mailing = Mailing.objects.create(subject="Sample", body="Hello", source="users.all")
    return {
        "outbox:message_detail": {"pk": msg.pk},
        "outbox:message_resend": {"pk": msg.pk},
        "outbox:template_edit": {"code": "core.welcome", "language": "fr", "channel": "email"},
        "outbox:template_preview": {
            "code": "core.welcome",
            "language": "fr",
            "channel": "email",
        },
        "outbox:mailing_detail": {"pk": mailing.pk},
        "outbox:mailing_progress": {"pk": mailing.pk},
        "outbox:unsubscribe": {"token": services.unsubscribe_token("sample@example.org", "news")},
    }
