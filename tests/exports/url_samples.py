"""Sample URL arguments for tests/core/test_url_matrix.py."""


def url_samples():
    from django.utils import timezone

    from civitas.core.exports.models import ImportBatch, ScheduledExport
    from civitas.core.models import User

    owner = User.objects.get(email="principal@example.org")
    schedule = ScheduledExport.objects.create(
        name="Journal",
        exporter="core.journal",
        format="csv",
        period="daily",
        delivery="email",
        recipients="archive@example.org",
        owner=owner,
        next_run=timezone.now() + timezone.timedelta(days=1),
    )
    # No file stored: the GET pages only read the batch's headers (nothing left in MEDIA_ROOT).
    batch = ImportBatch.objects.create(
        importer="core.units",
        owner=owner,
        original_name="units.csv",
        file_format="csv",
        headers=["Nom"],
        row_count=1,
        mapping={"name": 0, "kind": None, "parent": None},
    )
    return {
        "exports:schedule_delete": {"pk": schedule.pk},
        "exports:schedule_run": {"pk": schedule.pk},
        "exports:import_batch": {"pk": batch.pk},
        "exports:import_commit": {"pk": batch.pk},
        "exports:import_cancel": {"pk": batch.pk},
    }
