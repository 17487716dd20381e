"""The declarations of the other platform services behave as declared on erasure."""

import pytest
from django.utils import timezone

from civitas.core.gdpr import services
from civitas.core.models import User

pytestmark = pytest.mark.django_db


def test_erase_covers_outbox_and_scheduled_exports(person, users):
    from civitas.core.exports.models import ScheduledExport
    from civitas.core.outbox.models import Message, OptOut

    email = "jeanne.martin@example.org"
    mail = Message.objects.create(to=email, subject="Confirmation", body_text="Bonjour Jeanne")
    sms = Message.objects.create(channel="sms", to="0612345678", body_text="Rappel")
    other = Message.objects.create(to="someone@example.org", body_text="x")
    opt_out = OptOut.objects.create(address=email.upper(), category="*")
    shared = ScheduledExport.objects.create(
        name="Inscrits",
        exporter="core.users",
        period="daily",
        delivery="email",
        recipients=f"chef@example.org\n{email}",
        owner=users["principal"],
        next_run=timezone.now(),
    )
    own = ScheduledExport.objects.create(
        name="Mes exports",
        exporter="core.users",
        period="daily",
        delivery="email",
        recipients="x@example.org",
        owner=person["user"],
        next_run=timezone.now(),
    )
    found = {h.label: h.count for h in services.holdings(services.Subject.find(email))}
    assert found["outbox.Message"] == 2  # by address and by mobile number
    assert found["outbox.OptOut"] == 1
    assert found["exports.ScheduledExport"] == 2

    result = services.erase(services.Subject.find(email))

    assert not Message.objects.filter(pk__in=[mail.pk, sms.pk]).exists()
    assert Message.objects.filter(pk=other.pk).exists()
    # the opposition is kept so that it keeps being honoured
    assert OptOut.objects.filter(pk=opt_out.pk).exists()
    assert result["outbox.OptOut"]["mode"] == "keep"
    shared.refresh_from_db()
    assert shared.recipients == "chef@example.org"
    assert not ScheduledExport.objects.filter(pk=own.pk).exists()  # went with the account
    assert not User.objects.filter(email=email).exists()
