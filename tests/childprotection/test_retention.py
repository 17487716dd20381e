"""Retention purge: past files go, the journal says what was removed (no child data)."""

import datetime as dt

from django.utils import timezone

from civitas.childprotection.models import Child, ConclusionType, File
from civitas.childprotection.services import retention
from civitas.core.models import JournalEntry


def closed_file(cp, number, closed_on, birth, conclusion="SSUITE"):
    file = File.objects.create(
        number=number,
        received_at=timezone.now(),
        territory=cp["north"],
        status=File.Status.CLOSED,
        closed_on=closed_on,
    )
    Child.objects.create(
        file=file,
        last_name="Secret",
        first_name="Enfant",
        birth_date=birth,
        conclusion=ConclusionType.objects.get(code=conclusion),
        conclusion_on=closed_on,
    )
    return file


def test_purge_follows_the_rules_and_journals(cp, settings):
    today = dt.date(2026, 6, 1)
    old_no_action = closed_file(cp, "IP-2020-000001", dt.date(2023, 1, 1), dt.date(2015, 1, 1))
    recent_no_action = closed_file(cp, "IP-2025-000001", dt.date(2025, 1, 1), dt.date(2015, 1, 1))
    measure_young = closed_file(
        cp, "IP-2020-000002", dt.date(2021, 1, 1), dt.date(2010, 1, 1), "AED"
    )
    measure_adult = closed_file(
        cp, "IP-2010-000001", dt.date(2011, 1, 1), dt.date(2004, 1, 1), "AED"
    )
    deleted = cp["south_file"]
    deleted.deleted_at = timezone.make_aware(dt.datetime(2023, 1, 1))
    deleted.deleted_reason = "Doublon"
    deleted.save()
    assert retention.purge(today) == 3
    left = set(File.objects.values_list("number", flat=True))
    assert recent_no_action.number in left and measure_young.number in left
    assert old_no_action.number not in left and measure_adult.number not in left
    assert deleted.number not in left
    entries = JournalEntry.objects.filter(action="childprotection.purged")
    assert {e.object_repr for e in entries} == {
        old_no_action.number,
        measure_adult.number,
        deleted.number,
    }
    assert not any("Secret" in str(e.details) for e in entries)
    settings.CIVITAS_CHILDPROTECTION_RETENTION = {"until_age": 15}
    assert retention.purge(today) == 1  # the 2010 child is 16
