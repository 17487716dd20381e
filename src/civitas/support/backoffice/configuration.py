"""The configuration tables of the desk edited in the back office, with one small view set
(list, create, edit, delete) described per table by a `Table`.

Access: `support.configure`. The tables shared by every customer (news, FAQ, release notes,
SLA tables, calendars, states) need that permission organisation-wide; a table whose rows
belong to a structure (time books) lists and edits only the rows of the structures in the
agent's scope (`permissions.restrict`), and its form offers only those structures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import permissions
from civitas.core.permissions import permission_required

from .. import forms as support_forms
from ..models import (
    FaqArticle,
    News,
    ReleaseNote,
    SlaTable,
    Structure,
    SupportCalendar,
    TicketState,
    TimeBook,
    Version,
)
from ..services import configuration

CONFIGURE = "support.configure"


@dataclass(frozen=True)
class Table:
    slug: str  # in the URL
    model: type
    form: type
    title: object  # lazy plural label
    help: object  # one sentence under the title
    columns: tuple[tuple[str, object], ...]  # (attribute or callable name, lazy header)
    scoped: bool = False  # rows restricted to the agent's structures
    inline: Callable | None = None  # factory of an inline formset (SLA targets)
    inline_title: object = ""
    related: tuple[str, ...] = ()
    form_kwargs: Callable = field(default=lambda request: {})

    def queryset(self, request):
        qs = self.model.objects.all()
        if self.related:
            qs = qs.select_related(*self.related)
        if self.scoped:
            return permissions.restrict(qs, request.user, CONFIGURE)
        if permissions.visible_scopes(request.user, CONFIGURE) is not None:
            # Shared by every customer: an agent of some structures may not change it.
            raise PermissionDenied(CONFIGURE)
        return qs

    def cells(self, obj):
        values = []
        for name, _header in self.columns:
            display = getattr(obj, f"get_{name}_display", None)
            value = display() if display else getattr(obj, name)
            values.append(value() if callable(value) else value)
        return values


def _structures(request):
    return {"structures": permissions.restrict(Structure.objects.all(), request.user, CONFIGURE)}


TABLES = {
    t.slug: t
    for t in (
        Table(
            "actualites",
            News,
            support_forms.NewsForm,
            gettext_lazy("News"),
            gettext_lazy(
                "News, incidents, planned interventions and announced updates of the portal."
            ),
            (
                ("title", gettext_lazy("Title")),
                ("kind", gettext_lazy("Kind")),
                ("pinned", gettext_lazy("Pinned")),
                ("published_at", gettext_lazy("Published at")),
            ),
        ),
        Table(
            "faq",
            FaqArticle,
            support_forms.FaqArticleForm,
            gettext_lazy("FAQ articles"),
            gettext_lazy("Questions and answers per product, searched by keywords on the portal."),
            (
                ("question", gettext_lazy("Question")),
                ("product", gettext_lazy("Product")),
                ("published_at", gettext_lazy("Published at")),
            ),
            related=("product",),
        ),
        Table(
            "versions",
            Version,
            support_forms.VersionForm,
            gettext_lazy("Versions"),
            gettext_lazy(
                "The versions of each product with their release calendar: the roadmap shows "
                "the versions not released yet."
            ),
            (
                ("__str__", gettext_lazy("Version")),
                ("planned_on", gettext_lazy("Planned release")),
                ("released_on", gettext_lazy("Released on")),
            ),
            related=("product",),
        ),
        Table(
            "notes-de-version",
            ReleaseNote,
            support_forms.ReleaseNoteForm,
            gettext_lazy("Release notes"),
            gettext_lazy("What each version brings; the tickets fixed in it are listed with it."),
            (("version", gettext_lazy("Version")), ("announced_at", gettext_lazy("Announced at"))),
            related=("version__product",),
        ),
        Table(
            "carnets-de-temps",
            TimeBook,
            support_forms.TimeBookForm,
            gettext_lazy("Time books"),
            gettext_lazy("Hours bought by a structure and its monthly cap of phone assistance."),
            (
                ("structure", gettext_lazy("Structure")),
                ("hours_bought", gettext_lazy("Hours bought")),
                ("starts_on", gettext_lazy("Starts on")),
                ("phone_minutes_per_month", gettext_lazy("Phone minutes per month")),
            ),
            scoped=True,
            related=("structure",),
            form_kwargs=_structures,
        ),
        Table(
            "tables-sla",
            SlaTable,
            support_forms.SlaTableForm,
            gettext_lazy("SLA tables"),
            gettext_lazy(
                "Deadlines per level and clock. Saving recomputes the deadlines of the open "
                "tickets that use the table; their pauses are kept."
            ),
            (
                ("name", gettext_lazy("Name")),
                ("code", gettext_lazy("Code")),
                ("phase", gettext_lazy("Phase")),
                ("source", gettext_lazy("Source")),
            ),
            inline=support_forms.sla_target_formset,
            inline_title=gettext_lazy("Targets"),
        ),
        Table(
            "calendriers",
            SupportCalendar,
            support_forms.SupportCalendarForm,
            gettext_lazy("Business calendars"),
            gettext_lazy(
                "Opening hours, holiday region and closures. Saving recomputes the deadlines "
                "of the open tickets counted on the calendar."
            ),
            (("name", gettext_lazy("Name")), ("region", gettext_lazy("Holiday region"))),
        ),
        Table(
            "etats",
            TicketState,
            support_forms.TicketStateForm,
            gettext_lazy("Ticket states"),
            gettext_lazy(
                "The states of a ticket, which of them freeze the clocks and which follow "
                "automatically after days without customer action."
            ),
            (
                ("order", gettext_lazy("Order")),
                ("label", gettext_lazy("Label")),
                ("label_en", gettext_lazy("Label in English")),
                ("side", gettext_lazy("Side")),
                ("frozen", gettext_lazy("Clock frozen")),
                ("closed", gettext_lazy("Closed")),
            ),
        ),
    )
}


def _table(slug) -> Table:
    try:
        return TABLES[slug]
    except KeyError:
        raise Http404(slug) from None


def _visible_tables(request):
    shared = permissions.visible_scopes(request.user, CONFIGURE) is None
    return [t for t in TABLES.values() if shared or t.scoped]


@permission_required(CONFIGURE)
def index(request):
    return render(
        request,
        "support/backoffice/config_index.html",
        {"tables": _visible_tables(request)},
    )


@permission_required(CONFIGURE)
def table_list(request, table):
    spec = _table(table)
    rows = [(obj, spec.cells(obj)) for obj in spec.queryset(request)]
    return render(
        request,
        "support/backoffice/config_list.html",
        {"spec": spec, "rows": rows, "headers": [h for _n, h in spec.columns]},
    )


def _edit(request, spec: Table, obj):
    action = f"support.{spec.model._meta.model_name}"
    form_kwargs = spec.form_kwargs(request)
    data = request.POST if request.method == "POST" else None
    form = spec.form(data, instance=obj, **form_kwargs)
    formset = spec.inline()(data, instance=obj, prefix="targets") if spec.inline else None
    if request.method == "POST":
        if request.POST.get("delete") and obj is not None:
            try:
                configuration.delete(obj, request=request, action=action)
            except configuration.ConfigurationError:
                messages.error(
                    request, _("This row is still used by tickets or structures: it is kept.")
                )
                return redirect("support:bo_config_edit", table=spec.slug, pk=obj.pk)
            else:
                messages.success(request, _("The row is deleted."))
                return redirect("support:bo_config_list", table=spec.slug)
        elif form.is_valid() and (formset is None or formset.is_valid()):
            configuration.save(form, formset=formset, request=request, action=action)
            messages.success(request, _("The changes are saved."))
            return redirect("support:bo_config_list", table=spec.slug)
    return render(
        request,
        "support/backoffice/config_form.html",
        {"spec": spec, "obj": obj, "form": form, "formset": formset},
    )


@permission_required(CONFIGURE)
def row_new(request, table):
    spec = _table(table)
    spec.queryset(request)  # the access check of shared tables
    return _edit(request, spec, None)


@permission_required(CONFIGURE)
def row_edit(request, table, pk):
    spec = _table(table)
    return _edit(request, spec, get_object_or_404(spec.queryset(request), pk=pk))
