"""Background jobs of the GDPR tools (django-tasks)."""

import tempfile
from pathlib import Path

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from civitas.core import jobs, journal
from civitas.core.models import JobProgress, User


@task()
def export_subject(progress_id: str, email: str, actor_id: int | None, language: str = "fr"):
    from .services import Subject, export_zip

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        with override(language):
            jobs.update(progress_id, 0.1, _("Collecting the data"))
            subject = Subject.find(email)
            content, counts = export_zip(subject)
            journal.record(
                "gdpr.export_subject",
                actor=actor,
                object_type="gdpr.subject",
                object_id=subject.email_hash,
                object_repr=email[:254],
                details={
                    "counts": counts,
                    "self_service": actor is not None and actor == subject.user,
                },
            )
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            jobs.finish(
                progress_id,
                file_name=f"donnees-personnelles-{stamp}.zip",
                content=content,
                message=_("%(n)s record(s)") % {"n": sum(counts.values())},
            )
    except Exception as exc:
        jobs.fail(progress_id, f"{type(exc).__name__}: {exc}")
        raise


@task()
def export_all_archive(progress_id: str, actor_id: int | None, language: str = "fr"):
    from .reversibility import export_all, zip_dir

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        with override(language), tempfile.TemporaryDirectory(prefix="civitas-export-") as tmp:
            root = Path(tmp) / "archive"
            manifest = export_all(root, progress=lambda f, m: jobs.update(progress_id, f, m))
            jobs.update(progress_id, 0.95, _("Compressing"))
            zip_path = Path(tmp) / "archive.zip"
            zip_dir(root, zip_path)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            job = JobProgress.objects.get(pk=progress_id)
            with zip_path.open("rb") as fh:
                job.result_file.save(f"civitas-archive-{stamp}.zip", File(fh), save=True)
            rows = sum(t["rows"] for t in manifest["tables"].values())
            journal.record(
                "gdpr.export_all",
                actor=actor,
                details={
                    "via": "backoffice",
                    "tables": len(manifest["tables"]),
                    "rows": rows,
                    "documents": len(manifest["documents"]),
                },
            )
            done = jobs.finish(
                progress_id,
                message=_("%(t)s tables, %(r)s rows") % {"t": len(manifest["tables"]), "r": rows},
            )
            return str(done.pk)
    except Exception as exc:
        jobs.fail(progress_id, f"{type(exc).__name__}: {exc}")
        raise
