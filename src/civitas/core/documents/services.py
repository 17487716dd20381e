"""Documents services: mail-merge generation of a Word template for one record or a batch.

    from civitas.core.documents import services
    result = services.generate(template, user, record="12", params={"event": "3"})
    result.content, result.file_name, result.content_type   # one .docx, ready to download
    result = services.generate(template, user, all_records=True, params={"event": "3"})
    result.job      # a background job (large batch), else result.content is a .zip

The records are those the template's kind offers to `user` with `params` (the kind's
`records()` filters). Refusals raise GenerationError with a message for the user.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from civitas.core import jobs, journal
from civitas.core.permissions import has_perm

from . import conf, merge
from .models import DocumentTemplate

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"


class GenerationError(Exception):
    """Nothing generated; the message is for the user. `level`: "error" or "info"."""

    def __init__(self, message, *, level="error"):
        super().__init__(message)
        self.level = level


@dataclass
class Generated:
    count: int
    content: bytes | None = None
    file_name: str = ""
    content_type: str = ""
    job: object | None = None  # a civitas.core.jobs job when the batch runs in the background


def can_merge(template: DocumentTemplate, user) -> bool:
    kind = template.merge_kind
    return kind is not None and has_perm(user, kind.permission)


def _count(records) -> int:
    return records.count() if hasattr(records, "count") else len(list(records))


def generate(
    template: DocumentTemplate,
    user,
    *,
    record: str | int | None = None,
    all_records: bool = False,
    params: dict | None = None,
    request=None,
) -> Generated:
    """Merge `template` with one record (its id, `record`) or with every record
    (`all_records`); journaled. A batch above CIVITAS_DOCUMENTS_SYNC_BATCH_LIMIT records
    runs as a background job; above CIVITAS_DOCUMENTS_BATCH_MAX_RECORDS it is refused."""
    params = dict(params or {})
    if not can_merge(template, user):
        raise GenerationError(_("You may not merge documents for this kind of record."))
    kind = template.merge_kind
    try:
        data = template.read()
    except (OSError, ValueError):  # ValueError: no file name at all
        raise GenerationError(_("The template file is missing: upload it again.")) from None
    if not all_records:
        return _one(template, kind, data, user, record, params, request)

    records = kind.get_records(user, params)
    total = _count(records)
    if total == 0:
        raise GenerationError(_("There is no record to merge."), level="info")
    if total > conf.batch_max_records():
        raise GenerationError(
            _("%(total)s records: a batch is limited to %(limit)s documents. Narrow the list.")
            % {"total": total, "limit": conf.batch_max_records()}
        )
    journal.record(
        "documents.generated",
        request=request,
        actor=user,
        obj=template,
        details={"kind": kind.code, "count": total, "params": params},
    )
    if total <= conf.sync_batch_limit():
        try:
            content, _count_done = merge.generate_zip(data, kind, records, template.name)
        except merge.TemplateInvalid as exc:
            raise GenerationError(str(exc)) from exc
        name = merge.file_name(template.name, "lot").replace(".docx", ".zip")
        return Generated(total, content, name, ZIP)
    from .tasks import generate_batch

    job = jobs.create(
        "documents.batch",
        _("Documents “%(name)s” (%(total)s)") % {"name": template.name, "total": total},
        owner=user,
    )
    generate_batch.enqueue(str(job.pk), template.pk, user.pk, params)
    job.refresh_from_db()
    return Generated(total, job=job)


def _one(template, kind, data, user, record, params, request) -> Generated:
    obj = kind.get_record(user, "" if record is None else str(record), params)
    if obj is None:
        raise GenerationError(_("Choose a record in the list."))
    try:
        content = merge.generate_one(data, kind, obj)
    except merge.TemplateInvalid as exc:
        raise GenerationError(str(exc)) from exc
    journal.record(
        "documents.generated",
        request=request,
        actor=user,
        obj=template,
        details={"kind": kind.code, "record": str(getattr(obj, "pk", "")), "count": 1},
    )
    return Generated(1, content, merge.file_name(template.name, kind.describe(obj)), DOCX)


def run_batch(progress_id: str, template_id: int, user_id: int, params: dict) -> None:
    """The background batch (task documents.generate_batch): a .zip in the job's file."""
    from civitas.core.models import User

    try:
        template = DocumentTemplate.objects.get(pk=template_id)
        kind = template.merge_kind
        if kind is None:
            raise merge.TemplateInvalid(_("This kind of record is no longer available."))
        user = User.objects.get(pk=user_id)
        records = kind.get_records(user, params)
        total = _count(records)
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
