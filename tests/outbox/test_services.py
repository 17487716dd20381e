"""Outbox services: queuing, claiming, back-off, opt-out, templates."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from civitas.core import periodic
from civitas.core.outbox import services, templates
from civitas.core.outbox.models import Message, MessageTemplate, OptOut

pytestmark = pytest.mark.django_db


def test_queue_email_creates_a_queued_row_and_sends_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        msg = services.queue_email("a@example.org", "Hi", "Text", "<p>Text</p>")
        assert Message.objects.get(pk=msg.pk).state == "queued"
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    msg.refresh_from_db()
    assert msg.state == "sent" and msg.attempts == 1 and msg.sent_at
    (sent,) = mail.outbox
    assert sent.to == ["a@example.org"]
    assert sent.alternatives[0][0] == "<p>Text</p>"
    assert sent.extra_headers["X-Civitas-Message-Id"] == str(msg.pk)


def test_related_object_is_recorded(org):
    msg = services.queue_email("a@example.org", "S", "B", related=org)
    assert (msg.related_type, msg.related_id) == ("core.organisation", "1")


def test_invalid_address_is_kept_as_failed():
    msg = services.queue_email("not an address", "S", "B")
    assert msg.state == "failed"
    assert "'not an address'" in msg.last_error


def test_claim_is_exclusive():
    msg = Message.objects.create(to="a@example.org", subject="S", body_text="B")
    first = services._claim(msg.pk)
    second = services._claim(msg.pk)
    assert first is not None and first.state == "sending"
    assert second is None


def test_backoff_doubles_then_fails_after_max_attempts(settings):
    settings.CIVITAS_OUTBOX_MAX_ATTEMPTS = 3
    settings.CIVITAS_OUTBOX_RETRY_BASE = 60
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    msg = Message.objects.create(
        to="a@example.org", subject="S", body_text="B", next_attempt_at=timezone.now()
    )
    delays = []
    for _ in range(3):
        before = timezone.now()
        services.send_batch([msg.pk])
        msg.refresh_from_db()
        if msg.next_attempt_at:
            delays.append(round((msg.next_attempt_at - before).total_seconds() / 60))
        Message.objects.filter(pk=msg.pk).update(next_attempt_at=timezone.now())
    msg.refresh_from_db()
    assert delays == [1, 2]
    assert msg.state == "failed" and msg.attempts == 3
    assert msg.last_error


def test_stale_sending_message_is_retried():
    msg = Message.objects.create(
        to="a@example.org",
        subject="S",
        body_text="B",
        state="sending",
        claimed_at=timezone.now() - timedelta(hours=1),
    )
    periodic.run_due(force=True, only="outbox.retry_due")
    msg.refresh_from_db()
    assert msg.state == "sent"
    assert len(mail.outbox) == 1


def test_pending_batch_survives_inner_rollback(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                services.queue_email("lost@example.org", "S", "B")
                raise ValueError
        except ValueError:
            pass
        services.queue_email("kept@example.org", "S", "B")
    assert [m.to for m in mail.outbox] == [["kept@example.org"]]


def test_opt_out_skips_non_essential_only(django_capture_on_commit_callbacks):
    services.opt_out("Opted@Example.org", "news")
    with django_capture_on_commit_callbacks(execute=True):
        skipped = services.queue_email(
            "opted@example.org", "N", "B", essential=False, category="news"
        )
        other = services.queue_email(
            "opted@example.org", "N", "B", essential=False, category="events"
        )
        essential = services.queue_email("opted@example.org", "Receipt", "B", category="news")
    assert skipped.state == "skipped"
    assert Message.objects.get(pk=other.pk).state == "sent"
    assert Message.objects.get(pk=essential.pk).state == "sent"
    # Non-essential messages carry an unsubscribe link for their category.
    assert "/mail/unsubscribe/" in other.body_text
    token = other.body_text.split("/mail/unsubscribe/")[1].split("/")[0]
    assert services.read_unsubscribe_token(token) == ("opted@example.org", "events")
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers
    assert "unsubscribe" not in essential.body_text


def test_opt_out_of_everything():
    services.opt_out("a@example.org", "*")
    assert services.queue_email("a@example.org", "S", "B", essential=False).state == "skipped"
    assert services.queue_email("a@example.org", "S", "B", essential=False, category="x").state == (
        "skipped"
    )


def test_unsubscribe_page(client):
    token = services.unsubscribe_token("p@example.org", "news")
    url = f"/mail/unsubscribe/{token}/"
    page = client.get(url)
    assert page.status_code == 200 and "p@example.org" in page.content.decode()
    assert not OptOut.objects.exists()  # a GET (link preview, scanner) changes nothing
    client.post(url, {"everything": "on"})
    assert set(OptOut.objects.values_list("address", "category")) == {
        ("p@example.org", "news"),
        ("p@example.org", "*"),
    }
    assert client.get("/mail/unsubscribe/forged:token/").status_code == 400


def test_templated_uses_default_then_administrator_version(org):
    msg = services.queue_templated(
        "core.welcome", "a@example.org", {"name": "Ana", "login_url": "L"}
    )
    assert msg.subject == f"Bienvenue sur {org.name}"
    assert "Bonjour Ana" in msg.body_text and msg.template_code == "core.welcome"
    en = services.queue_templated("core.welcome", "a@example.org", {"name": "Ana"}, language="en")
    assert en.subject.startswith("Welcome") and en.language == "en"

    MessageTemplate.objects.create(
        code="core.welcome", language="fr", subject="Salut {{ name }}", body="Texte {{ name }}"
    )
    edited = services.queue_templated("core.welcome", "a@example.org", {"name": "Ana"})
    assert (edited.subject, edited.body_text) == ("Salut Ana", "Texte Ana")
    # An event-level template is used for that event only; others fall back.
    MessageTemplate.objects.create(
        code="core.welcome", scope_type="event", scope_id=7, language="fr", subject="E", body="Ev"
    )
    assert (
        services.queue_templated(
            "core.welcome", "a@example.org", {}, scope_type="event", scope_id=7
        ).body_text
        == "Ev"
    )
    assert (
        services.queue_templated(
            "core.welcome", "a@example.org", {}, scope_type="event", scope_id=8
        ).body_text
        == "Texte "
    )


def test_templated_language_from_user(make_user_en):
    msg = services.queue_templated("core.welcome", make_user_en, {"name": "Jo"})
    assert msg.language == "en" and msg.to == "en@example.org"


@pytest.fixture
def make_user_en(db):
    from civitas.core.models import User

    return User.objects.create_user("en@example.org", "x" * 20, language="en")


def test_template_check_reports_unknown_placeholders_and_syntax():
    reg = templates.get("core.welcome")
    assert templates.check("Hello {{ name }} {{ organisation }}", reg.all_placeholders) == []
    assert templates.check("{% for x in items %}{{ x }}{% endfor %}", {"items": ""}) == []
    (problem,) = templates.check("{{ nmae }}", reg.all_placeholders)
    assert "nmae" in problem
    assert templates.check("{% if %}", reg.all_placeholders)
    assert templates.check("{% load static %}", reg.all_placeholders)  # no tag libraries


def test_core_templates_are_registered():
    codes = {t.code for t in templates.all_templates()}
    assert {"core.admin_alert", "core.welcome"} <= codes
    alert = services.queue_templated(
        "core.admin_alert", "ops@example.org", {"title": "Disk full", "details": "5 %"}
    )
    assert "Disk full" in alert.subject


def test_retry_job_is_registered_every_minute():
    job = {j.name: j for j in periodic.jobs()}["outbox.retry_due"]
    assert job.every == timedelta(minutes=1)


def test_mailing_prepared_once_even_if_the_task_runs_twice(users):
    from civitas.core.outbox.models import Mailing

    mailing = Mailing.objects.create(subject="S {{ name }}", body="B", source="users.all")
    assert services.prepare_mailing(mailing.pk) == 3
    assert services.prepare_mailing(mailing.pk) == 0
    assert Message.objects.filter(mailing=mailing).count() == 3
    assert Message.objects.filter(mailing=mailing, subject="S principal").exists()
