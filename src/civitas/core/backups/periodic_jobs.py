"""Periodic jobs of the backups app (run by `manage.py runperiodic`)."""

from datetime import timedelta

from django.utils import timezone

from civitas.core.periodic import periodic

from . import conf

PROBE_RETENTION_DAYS = 400


@periodic("backups.daily", every=timedelta(days=1))
def daily_backup():
    from civitas.core import journal

    from . import services
    from .models import ProbeResult

    manifest, pruned = services.scheduled_backup()
    journal.record(
        "backup.create",
        object_type="backups.backup",
        object_id=manifest["id"],
        object_repr=manifest["id"],
        details={"type": manifest["type"], "size": manifest["size"], "pruned": pruned},
    )
    cutoff = timezone.now() - timedelta(days=PROBE_RETENTION_DAYS)
    ProbeResult.objects.filter(at__lt=cutoff).delete()
    m = manifest
    return f"{m['type']} backup {m['id']} ({m['size']} bytes); pruned {len(pruned)}"


@periodic("backups.probe", every=timedelta(minutes=conf.probe_every_minutes()))
def availability_probe():
    from . import probe

    result = probe.run()
    state = "OK" if result.ok else "KO"
    return f"{state} {result.status_code or result.error} {result.milliseconds} ms"
