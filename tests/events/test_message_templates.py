"""The events messages: one registration per message (mail + SMS); an SMS template exists
only for messages really sent by SMS; the data migration that removed the others."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from civitas.core.outbox import templates
from civitas.core.outbox.models import MessageTemplate

pytestmark = pytest.mark.django_db

migration = importlib.import_module("civitas.events.migrations.0013_sms_templates_one_registration")


def _events_templates():
    return {t.code: t for t in templates.all_templates() if t.code.startswith("events.")}


def test_sms_templates_are_exactly_the_messages_sent_by_sms():
    registered = _events_templates()
    with_sms = {code for code, t in registered.items() if t.has_sms}
    from civitas.events.services import animations, reminders

    sent_by_sms = migration.SENT_BY_SMS + animations.SENT_BY_SMS + reminders.SENT_BY_SMS
    assert with_sms == {f"events.{c}" for c in sent_by_sms}
    assert set(animations.SENT_BY_SMS) == {
        "animation_offered",
        "animation_changed",
        "animation_cancelled",
    }
    # No separate "_sms" template any more: the SMS is a version of the message itself.
    assert not [code for code in registered if code.endswith("_sms")]
    for code in migration.NEVER_BY_SMS:
        assert registered[f"events.{code}"].channels == ("email",)


def test_template_editor_lists_sms_rows_only_for_messages_sent_by_sms(client_for):
    page = client_for("principal").get(reverse("outbox:templates")).content.decode()
    sms_edit = reverse("outbox:template_edit", args=["events.request_confirmed", "fr", "sms"])
    assert sms_edit in page
    for code in ("events.request_declined", "events.registration_received", "core.admin_alert"):
        assert reverse("outbox:template_edit", args=[code, "fr", "sms"]) not in page
        assert reverse("outbox:template_edit", args=[code, "fr", "email"]) in page
    gone = reverse("outbox:template_edit", args=["events.request_confirmed_sms", "fr", "sms"])
    assert client_for("principal").get(gone).status_code == 404


def test_meeting_confirmation_sends_the_registered_sms(django_capture_on_commit_callbacks):
    from civitas.core.outbox.models import Message
    from civitas.events.services import meetings

    from .conftest import make_company, make_event

    event = make_event("salon-sms")
    a = make_company(event, "Alpha").representatives.get()
    b = make_company(event, "Beta").representatives.get()
    a.phone, b.phone = "+33611111111", "+33622222222"
    a.save()
    b.save()
    req = meetings.send_request(a, b)
    meetings.accept_request(req, b)
    meetings.confirm_request(req, a)
    sms = Message.objects.filter(channel="sms", to=b.phone).order_by("pk")
    assert sms.count() == 2  # request received, meeting confirmed
    assert sms.last().body_text.startswith(f"{event.name} : Votre rendez-vous avec")
    # A declined request is e-mail only, even with a phone number.
    c = make_company(event, "Gamma").representatives.get()
    req2 = meetings.send_request(b, c)
    meetings.decline_request(req2, c)
    assert Message.objects.filter(channel="email", to=b.email, body_text__contains="décliné")
    assert not Message.objects.filter(channel="sms", to=b.phone, body_text__contains="décliné")


def test_data_migration_keeps_edits_that_are_sent_and_removes_the_others():
    def tpl(code, channel="sms", language="fr", body="x"):
        return MessageTemplate.objects.create(
            code=code, channel=channel, language=language, body=body, scope_type="event", scope_id=4
        )

    phantom = tpl("events.request_confirmed", body="listed, never sent")
    tpl("events.request_confirmed_sms", body="Edited SMS")
    tpl("events.request_confirmed_sms", language="en", body="Edited SMS (en)")
    dropped = tpl("events.request_declined_sms", body="never sent either")
    email = tpl("events.request_confirmed", channel="email", body="Edited mail")
    migration.forwards(apps, None)
    rows = {
        (t.code, t.channel, t.language): t.body
        for t in MessageTemplate.objects.filter(scope_type="event")
    }
    assert rows == {
        ("events.request_confirmed", "sms", "fr"): "Edited SMS",
        ("events.request_confirmed", "sms", "en"): "Edited SMS (en)",
        ("events.request_confirmed", "email", "fr"): "Edited mail",
    }
    assert not MessageTemplate.objects.filter(pk__in=[phantom.pk, dropped.pk]).exists()
    assert MessageTemplate.objects.filter(pk=email.pk).exists()
    migration.backwards(apps, None)
    assert MessageTemplate.objects.filter(code="events.request_confirmed_sms").count() == 2
