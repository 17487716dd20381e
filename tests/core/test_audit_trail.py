"""Core's change trail kit (civitas.core.audit) on core's own models."""

from civitas.core import audit
from civitas.core.models import Unit


def test_change_trail_registration_is_open_to_modules(db):
    from auditlog.models import LogEntry

    assert audit.is_registered(Unit)
    unit = Unit.objects.create(name="Service trace")
    unit.name = "Service renommé"
    unit.save()
    entries = list(audit.trail([unit]))
    assert [e.action for e in entries] == [LogEntry.Action.UPDATE, LogEntry.Action.CREATE]
    assert entries[0].changes["name"] == ["Service trace", "Service renommé"]
    pk = unit.pk
    unit.delete()
    assert audit.trail([(Unit, pk)]).first().action == LogEntry.Action.DELETE


def test_acting_as_accepts_an_id_and_none(db):
    from civitas.core.models import User

    user = User.objects.create_user("actor@example.org", "x-Password-42")
    with audit.acting_as(user.pk):
        unit = Unit.objects.create(name="Par identifiant")
    with audit.acting_as(None):
        unit.name = "Sans acteur"
        unit.save()
    update, create = list(audit.trail([unit]))
    assert create.actor == user and update.actor is None
