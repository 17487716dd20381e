"""Back office: the keyword and cooperation-type lists of an event (rename, merge, retire).
Thin views: the rules live in services/lists.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core.params import int_param
from civitas.core.permissions import scoped_permission_required

from ..models import Event
from ..services import ServiceError
from ..services import lists as svc

TITLES = {
    "keyword": gettext_lazy("Keywords"),
    "cooperation_type": gettext_lazy("Cooperation types"),
}


@scoped_permission_required("events.manage_event", Event)
def reference_list(request, pk, kind):
    event = request.event
    if kind not in svc.KINDS:
        raise Http404
    model = svc.model_of(kind)
    entries = list(model.objects.filter(event=event).order_by("retired", "label_fr", "pk"))
    typed = {}
    if request.method == "POST":
        by_id = {e.pk: e for e in entries}
        entry = by_id.get(int_param(request.POST.get("entry")))
        action = request.POST.get("action")
        if entry is None:
            messages.error(request, _("This entry no longer exists."))
            return redirect("events:bo_list", pk=event.pk, kind=kind)
        try:
            if action == "rename":
                svc.rename(
                    entry,
                    request.POST.get("label_fr", ""),
                    request.POST.get("label_en", ""),
                    request=request,
                )
                messages.success(request, _("Renamed."))
            elif action == "merge":
                target = by_id.get(int_param(request.POST.get("target")))
                if target is None:
                    raise ServiceError(_("Choose the entry to merge into."))
                svc.merge(entry, target, request=request)
                messages.success(
                    request,
                    _("“%(a)s” merged into “%(b)s”.") % {"a": entry.label_fr, "b": target.label_fr},
                )
            elif action in ("retire", "reinstate"):
                svc.retire(entry, action == "retire", request=request)
                messages.success(request, _("Saved."))
            else:
                raise ServiceError(_("Unknown action."))
        except ServiceError as exc:
            messages.error(request, str(exc))
            # Keep what was typed in the row that was refused.
            typed = {
                "entry": entry.pk,
                "label_fr": request.POST.get("label_fr", ""),
                "label_en": request.POST.get("label_en", ""),
            }
            entries = list(model.objects.filter(event=event).order_by("retired", "label_fr", "pk"))
        else:
            return redirect("events:bo_list", pk=event.pk, kind=kind)
    counts = svc.usage(event, kind)
    rows = []
    for e in entries:
        label_fr, label_en = e.label_fr, e.label_en
        if typed.get("entry") == e.pk:
            label_fr, label_en = typed["label_fr"], typed["label_en"]
        rows.append((e, counts.get(e.pk, 0), label_fr, label_en))
    return render(
        request,
        "events/backoffice/reference_list.html",
        {
            "event": event,
            "kind": kind,
            "title": TITLES[kind],
            "rows": rows,
            "others": list(entries),
        },
    )


urlpatterns = [
    path("backoffice/evenements/<id:pk>/listes/<str:kind>/", reference_list, name="bo_list"),
]
