from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from civitas.core import periodic
from civitas.core.gdpr.models import RetentionRule
from civitas.core.models import JournalEntry, LoginEvent

pytestmark = pytest.mark.django_db


def _event(days_ago, identifier="a@example.org"):
    e = LoginEvent.objects.create(kind="login", identifier=identifier, ip="192.0.2.1")
    LoginEvent.objects.filter(pk=e.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return e


def test_purge_applies_enabled_rules_and_journals_counts(db):
    old, recent = _event(100), _event(10)
    RetentionRule.objects.create(category="connection", days=30, enabled=True)
    ran = periodic.run_due(force=True, only="gdpr.purge_expired")
    assert ran == [("gdpr.purge_expired", "ok")]
    assert not LoginEvent.objects.filter(pk=old.pk).exists()
    assert LoginEvent.objects.filter(pk=recent.pk).exists()
    entry = JournalEntry.objects.get(action="gdpr.purge")
    assert entry.details["removed"]["core.LoginEvent"]["count"] == 1
    assert entry.details["removed"]["core.LoginEvent"]["mode"] == "delete"


def test_disabled_rule_or_no_rule_purges_nothing(db):
    old = _event(1000)
    periodic.run_due(force=True, only="gdpr.purge_expired")
    RetentionRule.objects.create(category="connection", days=30, enabled=False)
    periodic.run_due(force=True, only="gdpr.purge_expired")
    assert LoginEvent.objects.filter(pk=old.pk).exists()
    assert all(e.details["removed"] == {} for e in JournalEntry.objects.filter(action="gdpr.purge"))


def test_purge_anonymises_where_declared_and_does_not_recount(db):
    from auditlog.context import set_actor
    from auditlog.models import LogEntry

    from civitas.core.models import Unit, User

    user = User.objects.create_user("old@example.org", "x-Password-42")
    with set_actor(user, remote_addr="192.0.2.5"):
        unit = Unit.objects.create(name="Ancien service")
    LogEntry.objects.update(timestamp=timezone.now() - timedelta(days=400))
    RetentionRule.objects.create(category="change_history", days=365, enabled=True)
    from civitas.core.gdpr.services import purge_expired

    first = purge_expired()
    entries = LogEntry.objects.get_for_object(unit)
    assert entries.exists()  # anonymised, not deleted
    assert all(e.actor_id is None and e.remote_addr is None for e in entries)
    assert first["removed"]["auditlog.LogEntry"]["mode"] == "anonymise"
    second = purge_expired()
    assert "auditlog.LogEntry" not in second["removed"]


def test_retention_page_saves_rules(client_for):
    client = client_for("principal")
    assert client.get(reverse("gdpr:retention")).status_code == 200
    from civitas.core.gdpr import registry

    data = {}
    for cat in registry.categories():
        data[f"{cat.code}-days"] = "1095"
    data["connection-days"] = "180"
    data["connection-enabled"] = "on"
    response = client.post(reverse("gdpr:retention"), data)
    assert response.status_code == 302
    rule = RetentionRule.objects.get(category="connection")
    assert (rule.days, rule.enabled) == (180, True)
    assert RetentionRule.objects.count() == 1  # categories left without a rule store nothing
    assert JournalEntry.objects.filter(action="gdpr.retention_changed").exists()
    # bad input: message, nothing saved, value kept
    data["connection-days"] = "0"
    response = client.post(reverse("gdpr:retention"), data)
    assert response.status_code == 200
    assert b'value="0"' in response.content
    assert RetentionRule.objects.get(category="connection").days == 180
    # secondary admins may not change it
    assert client_for("secondary").post(reverse("gdpr:retention"), data).status_code == 403


def test_run_purge_from_backoffice(client_for):
    old = _event(100)
    RetentionRule.objects.create(category="connection", days=30, enabled=True)
    response = client_for("principal").post(reverse("gdpr:retention_run"))
    assert response.status_code == 302
    assert not LoginEvent.objects.filter(pk=old.pk).exists()
