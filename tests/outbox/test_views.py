"""Back-office screens: messages and resend, templates with preview, mailings."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from civitas.core.models import JournalEntry
from civitas.core.outbox import services
from civitas.core.outbox.models import Mailing, Message, MessageTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client_for, settings):
    client = client_for("principal")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # assertions use the English UI
    return client


def test_message_list_filters(admin):
    Message.objects.create(to="alice@example.org", subject="Hello Alice", body_text="b")
    Message.objects.create(to="bob@example.org", subject="Hi", body_text="b", state="failed")
    Message.objects.create(to="+33612345678", body_text="sms", channel="sms", state="sent")
    url = reverse("outbox:messages")
    assert "alice@example.org" in admin.get(url).content.decode()
    page = admin.get(url, {"state": "failed"}).content.decode()
    assert "bob@example.org" in page and "alice@example.org" not in page
    page = admin.get(url, {"q": "alice"}).content.decode()
    assert "alice@example.org" in page and "bob@example.org" not in page
    page = admin.get(url, {"channel": "sms"}).content.decode()
    assert "+33612345678" in page and "alice" not in page


def test_detail_is_journaled(admin):
    msg = Message.objects.create(to="a@example.org", subject="S", body_text="Secret body")
    assert (
        "Secret body" in admin.get(reverse("outbox:message_detail", args=[msg.pk])).content.decode()
    )
    assert JournalEntry.objects.filter(
        action="outbox.message_viewed", object_id=str(msg.pk)
    ).exists()


def test_resend_failed_and_sent(admin, django_capture_on_commit_callbacks):
    failed = Message.objects.create(
        to="a@example.org", subject="S", body_text="B", state="failed", attempts=10, last_error="x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("outbox:message_resend", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.state == "sent" and failed.attempts == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("outbox:message_resend", args=[failed.pk]))
    copy = Message.objects.get(resend_of=failed)
    assert copy.state == "sent" and response["Location"].endswith(f"/{copy.pk}/")
    assert len(mail.outbox) == 2
    assert JournalEntry.objects.filter(action="outbox.message_resent").count() == 2
    queued = Message.objects.create(to="q@example.org", subject="S", body_text="B")
    admin.post(reverse("outbox:message_resend", args=[queued.pk]))
    assert Message.objects.filter(to="q@example.org").count() == 1


def test_template_edit_preview_and_validation(admin):
    url = reverse("outbox:template_edit", args=["core.welcome", "en", "email"])
    page = admin.get(url).content.decode()
    assert "Welcome to" in page and "login_url" in page  # default text and placeholders
    preview = admin.post(
        reverse("outbox:template_preview", args=["core.welcome", "en", "email"]),
        {"subject": "Hi {{ name }}", "body": "Go to {{ login_url }}"},
    ).content.decode()
    assert "Hi [name]" in preview and "Go to [login_url]" in preview
    bad = admin.post(url, {"subject": "Hi {{ nmae }}", "body": "Kept text {% if %}"})
    assert bad.status_code == 200
    content = bad.content.decode()
    assert "Unknown placeholder: nmae" in content and "Kept text" in content
    assert not MessageTemplate.objects.exists()
    ok = admin.post(url, {"subject": "Hi {{ name }}", "body": "Welcome {{ name }}"})
    assert ok.status_code == 302
    tpl = MessageTemplate.objects.get(code="core.welcome", language="en")
    assert tpl.body == "Welcome {{ name }}"
    assert JournalEntry.objects.filter(action="outbox.template_saved").exists()
    assert (
        services.queue_templated(
            "core.welcome", "x@example.org", {"name": "Jo"}, language="en"
        ).body_text
        == "Welcome Jo"
    )
    admin.post(url, {"reset": "1"})
    assert not MessageTemplate.objects.exists()
    assert (
        admin.get(reverse("outbox:template_edit", args=["core.welcome", "de", "email"])).status_code
        == 404
    )


def test_templates_list(admin):
    page = admin.get(reverse("outbox:templates")).content.decode()
    assert "core.admin_alert" in page and "core.welcome" in page


def test_mailing_compose_throttle_and_progress(
    admin, users, make_users, settings, django_capture_on_commit_callbacks
):
    settings.CIVITAS_MAILING_RATE = 3
    services.opt_out("user2@example.org", "news")
    url = reverse("outbox:mailing_create")
    data = {
        "source": "users.all",
        "subject": "News for {{ name }}",
        "body": "Hello {{ name }} ({{ email }})",
        "category": "news",
        "language": "fr",
    }
    preview = admin.post(url, {**data, "preview": "1"}).content.decode()
    assert "recipients" in preview and not Mailing.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, {**data, "send": "1"})
    mailing = Mailing.objects.get()
    assert response["Location"] == reverse("outbox:mailing_detail", args=[mailing.pk])
    total = 3 + 8  # fixture users + make_users
    assert mailing.total == total
    msgs = Message.objects.filter(mailing=mailing)
    assert msgs.get(to="user2@example.org").state == "skipped"
    # Throttling: 3 per minute; the first three are sent at once, the rest wait their turn.
    assert msgs.filter(state="sent").count() == 3
    waiting = msgs.filter(state="queued").order_by("next_attempt_at")
    assert waiting.count() == total - 1 - 3
    start = mailing.created_at
    assert waiting.last().next_attempt_at - start >= timedelta(minutes=(total - 2) // 3 - 1)
    first = msgs.filter(state="sent").first()
    assert first.subject.startswith("News for ") and "/mail/unsubscribe/" in first.body_text
    progress = admin.get(reverse("outbox:mailing_progress", args=[mailing.pk])).content.decode()
    assert "3 sent" in progress and "hx-get" in progress
    # Time passes: the retry job sends the rest; the mailing is done.
    msgs.filter(state="queued").update(next_attempt_at=start)
    services.send_due()
    assert msgs.filter(state="sent").count() == total - 1
    progress = admin.get(reverse("outbox:mailing_progress", args=[mailing.pk])).content.decode()
    assert "hx-get" not in progress
    mailing.refresh_from_db()
    assert mailing.state == "done"
    assert JournalEntry.objects.filter(action="outbox.mailing_sent").exists()


def test_mailing_to_role_requires_role(admin):
    response = admin.post(
        reverse("outbox:mailing_create"),
        {
            "source": "users.role",
            "subject": "S",
            "body": "Typed text",
            "category": "news",
            "language": "fr",
            "send": "1",
        },
    )
    assert response.status_code == 200 and "Typed text" in response.content.decode()
    assert not Mailing.objects.exists()


def test_mailing_to_role_holders(admin, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            reverse("outbox:mailing_create"),
            {
                "source": "users.role",
                "role": "journal_reader",
                "subject": "S",
                "body": "B",
                "category": "news",
                "language": "fr",
                "send": "1",
            },
        )
    assert list(Message.objects.values_list("to", flat=True)) == ["secondary@example.org"]


@pytest.fixture
def make_users(db):
    from civitas.core.models import User

    return [User.objects.create_user(f"user{i}@example.org", "x" * 20) for i in range(8)]


def test_secondary_admin_cannot_see_messages(client_for):
    assert client_for("secondary").get(reverse("outbox:messages")).status_code == 403
