"""Background generation of mail-merge batches."""

from django.utils.translation import gettext as _
from django_tasks import task

from civitas.core import jobs


@task()
def generate_batch(progress_id: str, template_id: int, user_id: int, params: dict):
    from civitas.core.models import User

    from . import merge
    from .models import DocumentTemplate

    try:
        template = DocumentTemplate.objects.get(pk=template_id)
        kind = template.merge_kind
        if kind is None:
            raise merge.TemplateInvalid(_("This kind of record is no longer available."))
        user = User.objects.get(pk=user_id)
        records = kind.get_records(user, params)
        total = records.count() if hasattr(records, "count") else len(list(records))
        jobs.update(progress_id, 0.0, _("%(total)s documents to produce") % {"total": total})

        def progress(done, total):
            jobs.update(progress_id, done / total, f"{done} / {total}")

        content, count = merge.generate_zip(
            template.read(), kind, records, template.name, progress=progress, total=total
        )
        jobs.finish(
            progress_id,
            file_name=merge.file_name(template.name, "lot").replace(".docx", ".zip"),
            content=content,
            message=_("%(count)s documents") % {"count": count},
        )
    except merge.TemplateInvalid as exc:
        jobs.fail(progress_id, str(exc))
    except Exception as exc:
        jobs.fail(progress_id, _("The batch failed: %(error)s") % {"error": type(exc).__name__})
        raise
