"""Exporters of child protection (core's export framework: CSV, XLSX, XML, JSON).

Two exports, both limited to the files the user may see (the one scoped queryset of
`access.visible_files`, through `files.search` with the list screen's criteria):

- `childprotection.files`: one row per file (its header, no free text);
- `childprotection.children`: one row per child of those files (identity, commune, types of
  danger, conclusion), the table statisticians and the former Access users ask for.

Free texts (summary, observation, comments) and the reporter's identity are never exported.
Core journals each export (`export.<code>`); as the rows name children, an export is also
written in the consultation journal the DPO reads (`childprotection.files_exported`).
"""

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core import journal
from civitas.core.exports.registry import Exporter, InvalidFilter, register
from civitas.core.models import Unit
from civitas.core.permissions import restrict

from . import forms
from .models import Child, DangerType
from .services import access, files

FILTERS = (
    "name",
    "birth_date",
    "commune",
    "territory",
    "status",
    "received_from",
    "received_to",
    "number",
)


def _label(value):
    return str(value) if value is not None else ""


def _searched(exporter, user, params):
    """The files of the search `params` among those `user` may see (form-validated)."""
    territories = restrict(Unit.objects.filter(kind="territory"), user, access.VIEW)
    form = forms.SearchForm(params, territories=territories)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise InvalidFilter(f"{field}: {errors[0]}")
    journal.record(
        "childprotection.files_exported",
        actor=user,
        details={"exporter": exporter.code, "filters": dict(params)},
    )
    return files.search(user, **form.cleaned_data)


@register
class FileExporter(Exporter):
    code = "childprotection.files"
    label = _("Child protection files")
    permission = access.VIEW
    filter_params = FILTERS
    id_params = ("commune", "territory")
    columns = [
        ("number", _("Number")),
        ("received_at", _("Processing date and time")),
        ("file_type", _("File type")),
        ("sip", _("S.I.P.")),
        ("serious_danger", _("Serious and immediate danger")),
        ("domestic_violence", _("Domestic violence")),
        ("channel", _("Channel")),
        ("source", _("Source")),
        ("snated_number", _("SNATED number")),
        ("territory", _("Territory")),
        ("status", _("Status")),
        ("evaluation_due", _("Evaluation due")),
        ("closed_on", _("Closed on")),
        ("children", _("Children")),
    ]

    def queryset(self, user, params):
        return (
            _searched(self, user, params)
            .select_related("file_type", "source")
            .annotate(n_children=Count("children"))
        )

    def row(self, f):
        return {
            "number": f.number,
            "received_at": timezone.localtime(f.received_at).isoformat(timespec="minutes"),
            "file_type": _label(f.file_type),
            "sip": f.sip,
            "serious_danger": f.serious_danger,
            "domestic_violence": f.domestic_violence,
            "channel": _label(f.channel),
            "source": _label(f.source),
            "snated_number": f.snated_number,
            "territory": _label(f.territory),
            "status": f.get_status_display(),
            "evaluation_due": f.evaluation_due,
            "closed_on": f.closed_on,
            "children": f.n_children,
        }


@register
class ChildExporter(Exporter):
    code = "childprotection.children"
    label = _("Children of child protection files")
    permission = access.VIEW
    filter_params = FILTERS
    id_params = ("commune", "territory")
    columns = [
        ("file", _("File")),
        ("received_at", _("Processing date and time")),
        ("territory", _("Territory")),
        ("last_name", _("Usual name")),
        ("first_name", _("First name")),
        ("sex", _("Sex")),
        ("birth_date", _("Birth date")),
        ("insee_code", _("INSEE code")),
        ("commune", _("Commune")),
        ("danger_types", _("Types of danger")),
        ("conclusion", _("Conclusion")),
        ("conclusion_on", _("Conclusion date")),
        ("evaluation_due", _("Evaluation due")),
    ]

    def queryset(self, user, params):
        found = _searched(self, user, params).order_by()
        return (
            Child.objects.filter(file__in=found.values("pk"))
            .select_related("file__territory", "commune", "conclusion")
            .prefetch_related(Prefetch("danger_types", queryset=DangerType.objects.order_by()))
            .order_by("-file__received_at", "file_id", "pk")
        )

    def iter_objects(self, qs):
        # prefetching in chunks keeps memory flat on 100,000 files
        return qs.iterator(chunk_size=2000)

    def row(self, c):
        return {
            "file": c.file.number,
            "received_at": timezone.localtime(c.file.received_at).isoformat(timespec="minutes"),
            "territory": _label(c.file.territory),
            "last_name": c.last_name,
            "first_name": c.first_name,
            "sex": c.get_sex_display(),
            "birth_date": c.birth_date,
            "insee_code": c.commune.insee_code if c.commune else "",
            "commune": c.commune.name if c.commune else "",
            "danger_types": ", ".join(sorted(d.label for d in c.danger_types.all())),
            "conclusion": _label(c.conclusion),
            "conclusion_on": c.conclusion_on,
            "evaluation_due": c.evaluation_due,
        }
