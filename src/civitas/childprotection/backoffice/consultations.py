"""The consultation journal for the DPO: who read which file, when, from where. It shows
no file content (file numbers only) and exports as CSV (the export is journaled)."""

import csv

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from civitas.core import journal, permissions
from civitas.core.models import JournalEntry
from civitas.core.permissions import permission_required

PERM = "childprotection.view_consultations"
ACTIONS = {
    "childprotection.file_read": _("File read"),
    "childprotection.break_glass": _("Break-glass access"),
    "childprotection.file_created": _("File created"),
    "childprotection.file_updated": _("File updated"),
    "childprotection.file_deleted": _("File deleted"),
    "childprotection.letter_generated": _("Letter generated"),
    "childprotection.purged": _("Retention purge"),
    "childprotection.api_search": _("Search through the API"),
    "childprotection.files_exported": _("Files exported"),
}


class FilterForm(forms.Form):
    actor = forms.CharField(label=_("Who (e-mail)"), required=False, max_length=254)
    file = forms.CharField(label=_("File number"), required=False, max_length=30)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", "—"), *ACTIONS.items()]
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def entries(user, data):
    qs = permissions.restrict(
        JournalEntry.objects.filter(action__startswith="childprotection."), user, PERM
    )
    if data.get("actor"):
        qs = qs.filter(actor_repr__icontains=data["actor"])
    if data.get("file"):
        qs = qs.filter(object_type="childprotection.file", object_repr__icontains=data["file"])
    if data.get("action"):
        qs = qs.filter(action=data["action"])
    if data.get("date_from"):
        qs = qs.filter(created_at__date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(created_at__date__lte=data["date_to"])
    return qs.order_by("-created_at", "-pk")


@permission_required(PERM)
def consultations(request):
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = entries(request.user, data)
    if request.GET.get("format") == "csv" and (form.is_valid() or not request.GET.get("actor")):
        journal.record(
            "childprotection.consultations_exported",
            request=request,
            details={k: str(v) for k, v in data.items() if v},
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="consultations.csv"'
        writer = csv.writer(response, delimiter=";")
        writer.writerow(["time", "who", "ip", "action", "file", "break_glass"])
        for e in qs.iterator():
            writer.writerow(
                [
                    e.created_at.isoformat(),
                    e.actor_repr,
                    e.ip or "",
                    e.action,
                    e.object_repr,
                    "yes"
                    if (e.details or {}).get("break_glass") or e.action.endswith("break_glass")
                    else "",
                ]
            )
        return response
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "childprotection/backoffice/consultations.html",
        {"form": form, "page_obj": page, "actions": ACTIONS},
    )
