"""Letters: the 10 shipped Word templates merged through core's document kinds."""

import base64
from pathlib import Path

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import journal, permissions
from civitas.core.documents import merge

from ..letters import LETTERS
from ..models import File, Letter

LETTER_DIR = Path(__file__).resolve().parent.parent / "letters"
KIND_FILE = "childprotection_file"
KIND_REPORTER = "childprotection_reporter"

FIELDS = {
    "file_number": gettext_lazy("File number"),
    "received_date": gettext_lazy("Date the information was received"),
    "territory": gettext_lazy("Territory"),
    "children": gettext_lazy("Children (first and last names, birth dates)"),
    "commune": gettext_lazy("Commune of the first child"),
    "dangers": gettext_lazy("Types of danger"),
    "conclusions": gettext_lazy("Conclusions"),
    "services": gettext_lazy("Services assigned"),
    "tasks": gettext_lazy("Tasks assigned"),
    "evaluation_due": gettext_lazy("Evaluation due"),
    "serious_danger": gettext_lazy("Serious and immediate danger (yes/no)"),
}


class LetterError(Exception):
    pass


def _date(d):
    return formats.date_format(d, "d/m/Y") if d else ""


def file_context(file: File) -> dict:
    children = list(file.children.select_related("commune", "conclusion"))
    dangers = sorted({str(d) for c in children for d in c.danger_types.all()})
    assignments = list(file.assignments.select_related("service"))
    return {
        "file_number": file.number,
        "received_date": _date(timezone.localtime(file.received_at).date()),
        "territory": str(file.territory),
        "children": ", ".join(
            f"{c.first_name} {c.last_name}"
            + (f" (né(e) le {_date(c.birth_date)})" if c.birth_date else "")
            for c in children
        ),
        "commune": str(children[0].commune) if children and children[0].commune else "",
        "dangers": ", ".join(dangers),
        "conclusions": ", ".join(sorted({str(c.conclusion) for c in children if c.conclusion})),
        "services": ", ".join(str(a.service) for a in assignments),
        "tasks": ", ".join(a.task for a in assignments),
        "evaluation_due": _date(file.evaluation_due),
        "serious_danger": file.serious_danger,
    }


def reporter_context(file: File) -> dict:
    values = file_context(file)
    reporter = getattr(file, "reporter", None)
    values["reporter"] = (
        ""
        if reporter is None or reporter.anonymous
        else "\n".join(x for x in (reporter.identity, reporter.contact) if x)
    )
    return values


def register_kinds():
    from .access import visible_files

    merge.register_kind(
        KIND_FILE,
        gettext_lazy("Child protection file"),
        fields=FIELDS,
        records=lambda user, params: visible_files(user),
        context=file_context,
        permission="childprotection.edit_files",
        describe=lambda f: f.number,
    )
    merge.register_kind(
        KIND_REPORTER,
        gettext_lazy("Child protection file, with the reporter"),
        fields={**FIELDS, "reporter": gettext_lazy("Reporter (identity and contact)")},
        records=lambda user, params: permissions.restrict(
            File.objects.alive(), user, "childprotection.view_reporter"
        ),
        context=reporter_context,
        permission="childprotection.view_reporter",
        describe=lambda f: f.number,
    )


def available(user, file):
    """(code, name) of the letters `user` may produce for `file`."""
    may_reporter = permissions.has_perm(user, "childprotection.view_reporter", file)
    return [(c, n) for c, n, kind in LETTERS if kind == "file" or may_reporter]


def template_bytes(code: str, name: str, kind_code: str) -> bytes:
    """The staff's uploaded version (Documents, same name and kind) or the shipped file."""
    from civitas.core.documents.models import DocumentTemplate

    uploaded = DocumentTemplate.objects.filter(kind=kind_code, name=name).order_by("-pk").first()
    if uploaded is not None:
        try:
            return uploaded.read()
        except (OSError, ValueError):
            pass
    return (LETTER_DIR / f"{code}.docx").read_bytes()


@transaction.atomic
def generate(request, file: File, code: str) -> Letter:
    entry = next((x for x in LETTERS if x[0] == code), None)
    if entry is None or code not in dict(available(request.user, file)):
        raise LetterError(_("This letter is not available."))
    _code, name, kind_name = entry
    kind = merge.get_kind(KIND_REPORTER if kind_name == "reporter" else KIND_FILE)
    try:
        content = merge.generate_one(template_bytes(code, name, kind.code), kind, file)
    except merge.TemplateInvalid as exc:
        raise LetterError(str(exc)) from exc
    letter = Letter.objects.create(
        file=file,
        code=code,
        name=name,
        file_name=merge.file_name(name, file.number),
        content=base64.b64encode(content).decode(),
        created_by=request.user,
    )
    journal.record(
        "childprotection.letter_generated",
        request=request,
        obj=file,
        details={"letter": code, "id": letter.pk},
    )
    return letter


def content_of(letter: Letter) -> bytes:
    return base64.b64decode(letter.content)
