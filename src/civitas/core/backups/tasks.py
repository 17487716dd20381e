"""Background job: a backup started from the back office."""

from django_tasks import task


@task()
def run_backup(progress_id: str, user_id: int | None = None):
    from django.urls import reverse

    from civitas.core import jobs, journal
    from civitas.core.models import User

    from . import services

    def progress(fraction, message=""):
        jobs.update(progress_id, fraction, message)

    try:
        manifest = services.create_backup("manual", note="back office", progress=progress)
    except Exception as exc:
        jobs.fail(progress_id, str(exc))
        raise
    journal.record(
        "backup.create",
        actor=User.objects.filter(pk=user_id).first(),
        object_type="backups.backup",
        object_id=manifest["id"],
        object_repr=manifest["id"],
        details={"type": "manual", "size": manifest["size"]},
    )
    jobs.finish(progress_id, message=manifest["id"], result_url=reverse("backups:list"))
    return manifest["id"]
