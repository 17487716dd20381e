"""create_mailing and the mailing placeholder checks (one home, used by core and events)."""

import pytest
from django.core import mail
from django.utils.translation import gettext_lazy

from civitas.core.models import JournalEntry
from civitas.core.outbox import recipients, services
from civitas.core.outbox.models import Mailing, Message

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def club_source():
    """A module's source with its own placeholder, accepting the short {club} form."""

    def people(params):
        yield recipients.Recipient("ann@example.org", "Ann", "fr", {"club": "Échecs"})
        yield recipients.Recipient("ANN@example.org", "Ann again", "fr", {"club": "x"})
        yield recipients.Recipient("bob@example.org", "Bob", "en", {"club": "Go"})

    recipients.register(
        "tests.club",
        "Club members",
        people,
        placeholders={"club": gettext_lazy("Club")},
        short_placeholders=True,
    )
    yield "tests.club"
    recipients._sources.pop("tests.club", None)


def test_create_mailing_records_journals_and_sends_after_commit(
    users, club_source, settings, django_capture_on_commit_callbacks
):
    settings.CIVITAS_MAILING_RATE = 7
    with django_capture_on_commit_callbacks(execute=True):
        mailing = services.create_mailing(
            source=club_source,
            subject="  Club {club}  ",
            body="Bonjour {{ name }}, club {club}.",
            params={"season": 2027},
            user=users["principal"],
        )
    mailing.refresh_from_db()
    assert mailing.subject == "Club {{ club }}" and mailing.body.endswith("club {{ club }}.")
    assert mailing.rate_per_minute == 7 and mailing.source_params == {"season": 2027}
    assert mailing.created_by == users["principal"] and mailing.total == 2  # de-duplicated
    entry = JournalEntry.objects.get(action="outbox.mailing_sent")
    assert entry.details["source"] == club_source
    bodies = sorted(m.body for m in mail.outbox)
    assert bodies[0].startswith("Bonjour Ann, club Échecs.")
    assert {m.subject for m in mail.outbox} == {"Club Échecs", "Club Go"}


@pytest.mark.parametrize(
    "subject,body,expected",
    [
        ("Hello", "Hello {{ prenom }}", "Unknown placeholder: prenom"),
        ("Hello {% if %}", "B", ""),
        ("Hello {{ club }}", "B", "Unknown placeholder: club"),  # not a users.all placeholder
    ],
)
def test_bad_texts_create_nothing(subject, body, expected, users):
    with pytest.raises(services.MailingError) as caught:
        services.create_mailing(source="users.all", subject=subject, body=body)
    assert expected in str(caught.value)
    assert (
        not Mailing.objects.exists()
        and not JournalEntry.objects.filter(action="outbox.mailing_sent").exists()
    )


def test_unknown_source_is_refused():
    with pytest.raises(services.MailingError):
        services.create_mailing(source="nope", subject="S", body="B")


def test_checks_know_each_source(club_source):
    assert services.check_mailing_text("{{ club }} {{ name }} {{ email }}", club_source) == []
    assert services.check_mailing_text("{{ organisation }} {{ unsubscribe_url }}") == []
    assert services.check_mailing_text("{{ club }}", "users.all")
    # The short form is only for a source that asks for it, and only its own placeholders.
    assert services.normalise_mailing_text("{club} {name}", club_source) == "{{ club }} {name}"
    assert services.normalise_mailing_text("{club}", "users.all") == "{club}"


def test_the_caller_may_journal_itself(users):
    mailing = services.create_mailing(
        source="users.all", subject="S", body="B", journal_action=None
    )
    assert mailing.pk and not JournalEntry.objects.filter(action="outbox.mailing_sent").exists()
    assert not Message.objects.exists()  # started on commit only
