"""A module's register entry and privacy notice come from its own migrations
(civitas.core.gdpr.seeding); core's history hands the events ones over (gdpr 0004)."""

import importlib

import pytest
from django.apps import apps

from civitas.core.gdpr.models import PrivacyNotice, ProcessingActivity
from civitas.core.gdpr.seeding import ensure_entries

pytestmark = pytest.mark.django_db

events_0014 = importlib.import_module("civitas.events.migrations.0014_register_of_processing")
gdpr_0004 = importlib.import_module("civitas.core.gdpr.migrations.0004_module_entries")


def test_migrated_database_has_the_events_entries_once():
    assert ProcessingActivity.objects.filter(module="events").count() == 1
    assert PrivacyNotice.objects.filter(form_code="events.registration").count() == 1


def test_events_migration_is_idempotent_and_keeps_edits():
    assert ensure_entries(apps, events_0014.ACTIVITIES, events_0014.NOTICES) == (0, 0)
    ProcessingActivity.objects.filter(module="events").update(retention="Edited: 2 years")
    PrivacyNotice.objects.filter(form_code="events.registration").delete()
    assert ensure_entries(apps, events_0014.ACTIVITIES, events_0014.NOTICES) == (0, 1)
    assert ProcessingActivity.objects.get(module="events").retention == "Edited: 2 years"
    notice = PrivacyNotice.objects.get(form_code="events.registration")
    assert notice.text_fr == events_0014.NOTICE_FR
    ProcessingActivity.objects.filter(module="events").delete()
    assert ensure_entries(apps, events_0014.ACTIVITIES, events_0014.NOTICES) == (1, 0)


def test_core_hand_over_keeps_entries_while_events_is_on(monkeypatch):
    gdpr_0004.forget_events_entries(apps, None)
    assert ProcessingActivity.objects.filter(module="events").exists()
    assert PrivacyNotice.objects.filter(form_code="events.registration").exists()


def test_core_hand_over_removes_unedited_entries_where_events_is_off(monkeypatch):
    monkeypatch.setattr(gdpr_0004.global_apps, "is_installed", lambda name: False)
    gdpr_0004.forget_events_entries(apps, None)
    assert not ProcessingActivity.objects.filter(module="events").exists()
    assert not PrivacyNotice.objects.filter(form_code="events.registration").exists()
    assert PrivacyNotice.objects.filter(form_code="default").exists()
    assert ProcessingActivity.objects.filter(module="core").exists()


def test_core_hand_over_keeps_what_administrators_edited(monkeypatch):
    ProcessingActivity.objects.filter(module="events").update(recipients="Edited")
    PrivacyNotice.objects.filter(form_code="events.registration").update(text_en="<p>Edited</p>")
    monkeypatch.setattr(gdpr_0004.global_apps, "is_installed", lambda name: False)
    gdpr_0004.forget_events_entries(apps, None)
    assert ProcessingActivity.objects.filter(module="events").exists()
    assert PrivacyNotice.objects.filter(form_code="events.registration").exists()
