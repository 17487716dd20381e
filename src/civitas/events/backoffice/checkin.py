"""Back office: check-in on the event day. The lists of an event, the scanning screen (phone
or tablet; camera, hand scanner or search-and-tick; works without JavaScript through plain
forms), its offline cache and queue endpoints (JSON), and what happened to the meetings.
Thin views: the rules live in services/checkin.py."""

from __future__ import annotations

import json

from csp.decorators import csp_update
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_countries import countries

from civitas.core import journal
from civitas.core.params import int_param
from civitas.core.permissions import scoped_permission_required

from ..forms import MobileField
from ..models import Checkin, CheckinList, Event, Meeting, Representative
from ..services import ServiceError, regform
from ..services import checkin as svc

STATUS_LABELS = {
    svc.VALID: gettext_lazy("VALID"),
    svc.EXIT: gettext_lazy("EXIT"),
    svc.ALREADY: gettext_lazy("ALREADY IN"),
    svc.NOT_REGISTERED: gettext_lazy("NOT REGISTERED"),
    svc.UNKNOWN: gettext_lazy("UNKNOWN CODE"),
    svc.REFUSED: gettext_lazy("REFUSED"),
}


class ScanForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code (hand scanner or typed)"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"),
        choices=Checkin.Direction.choices,
        initial=Checkin.Direction.ENTRY,
        widget=forms.RadioSelect,
    )


def _list(event, list_pk) -> CheckinList:
    return get_object_or_404(
        CheckinList.objects.select_related("session__day", "day"), pk=list_pk, event=event
    )


@scoped_permission_required("events.check_in", Event)
def lists(request, pk):
    event = request.event
    if request.method == "POST":
        created = svc.ensure_lists(event)
        journal.record(
            "events.checkin_lists_created", request=request, obj=event, details={"n": len(created)}
        )
        messages.success(request, _("%(n)s check-in lists created.") % {"n": len(created)})
        return redirect("events:bo_checkin_lists", pk=event.pk)
    rows = []
    for lst in event.checkin_lists.select_related("day", "session__day"):
        entries = lst.checkins.filter(direction=Checkin.Direction.ENTRY).count()
        rows.append((lst, entries, len(svc.eligible_ids(lst))))
    return render(request, "events/checkin/lists.html", {"event": event, "rows": rows})


def _device(request) -> str:
    return (request.headers.get("X-Checkin-Device") or request.POST.get("device") or "")[:100]


@scoped_permission_required("events.check_in", Event)
@csp_update({"script-src": ["'wasm-unsafe-eval'"]})
def screen(request, pk, list_pk):
    """The scanning screen. Without JavaScript the forms post here and the answer is
    rendered by the server; with it, the page scans, caches and queues (static/events/
    checkin.js) and only uses the JSON endpoints below."""
    event = request.event
    lst = _list(event, list_pk)
    form = ScanForm(request.POST or None)
    result = None
    if request.method == "POST":
        rep_id = int_param(request.POST.get("rep"))
        direction = request.POST.get("direction") or Checkin.Direction.ENTRY
        try:
            if rep_id is not None:
                rep = get_object_or_404(Representative, pk=rep_id, company__event=event)
                result = svc.check_in(
                    lst, rep, by=request.user, direction=direction, method="search"
                )
            elif form.is_valid():
                result = svc.scan(
                    lst,
                    form.cleaned_data["code"],
                    by=request.user,
                    direction=form.cleaned_data["direction"],
                )
                form = ScanForm(initial={"direction": form.cleaned_data["direction"]})
        except ServiceError as exc:
            messages.error(request, str(exc))
    query = (request.GET.get("q") or "")[:200]
    found = svc.search(lst, query) if query else []
    return render(
        request,
        "events/checkin/screen.html",
        {
            "event": event,
            "lst": lst,
            "form": form,
            "result": result,
            "result_label": STATUS_LABELS.get(result.status) if result else "",
            "query": query,
            "found": found,
            "labels": {k: str(v) for k, v in STATUS_LABELS.items()},
            "not_registered": svc.not_registered_message(lst),
        },
    )


@scoped_permission_required("events.check_in", Event)
@require_GET
def service_worker(request, pk):
    """The service worker of this event's check-in pages: served from their address, so
    that its scope is theirs and nothing else (templates/events/checkin/sw.js)."""
    scope = reverse("events:bo_checkin_lists", kwargs={"pk": request.event.pk})
    response = render(
        request,
        "events/checkin/sw.js",
        {"event_pk": request.event.pk, "scope": scope, "static_url": settings.STATIC_URL},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@scoped_permission_required("events.check_in", Event)
@require_GET
def snapshot(request, pk, list_pk):
    """The list for the device's offline cache."""
    lst = _list(request.event, list_pk)
    return JsonResponse(svc.snapshot(lst))


@scoped_permission_required("events.check_in", Event)
@require_POST
def sync(request, pk, list_pk):
    """A device's queued scans: {"device": "...", "scans": [...]} -> {"results": [...]}."""
    lst = _list(request.event, list_pk)
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": _("The request is not valid JSON.")}, status=400)
    if not isinstance(data, dict) or not isinstance(data.get("scans"), list):
        return JsonResponse({"error": _("A list of scans is expected.")}, status=400)
    device = str(data.get("device") or _device(request))[:100]
    try:
        results = svc.sync(lst, data["scans"], by=request.user, device=device)
    except ServiceError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(
        {
            "results": [
                {**r.as_dict(), "label": str(STATUS_LABELS.get(r.status, ""))} for r in results
            ],
            "server_time": timezone.now().isoformat(),
        }
    )


class OutcomeForm(forms.Form):
    meeting = forms.IntegerField()
    state = forms.ChoiceField(choices=[("held", "held"), ("no_show", "no_show")])
    absent = forms.IntegerField(required=False)


@scoped_permission_required("events.check_in", Event)
def meeting_outcomes(request, pk):
    """Meetings already started with a party not checked in: held or no-show."""
    event = request.event
    if request.method == "POST":
        form = OutcomeForm(request.POST)
        if form.is_valid():
            meeting = get_object_or_404(
                Meeting.objects.select_related("request", "slot"),
                pk=int_param(str(form.cleaned_data["meeting"])) or 0,
                event=event,
            )
            try:
                if form.cleaned_data["state"] == "held":
                    svc.confirm_held(meeting, by_user=request.user)
                else:
                    absent = None
                    absent_id = int_param(str(form.cleaned_data.get("absent") or ""))
                    if absent_id:
                        absent = get_object_or_404(
                            Representative, pk=absent_id, company__event=event
                        )
                    svc.mark_no_show(meeting, absent, by_user=request.user)
                journal.record(
                    f"events.meeting_{form.cleaned_data['state']}", request=request, obj=meeting
                )
                messages.success(request, _("Recorded."))
            except ServiceError as exc:
                messages.error(request, str(exc))
        else:
            messages.error(request, _("The form is not valid."))
        return redirect("events:bo_meeting_outcomes", pk=event.pk)
    return render(
        request,
        "events/checkin/outcomes.html",
        {"event": event, "rows": svc.likely_no_shows(event)},
    )


urlpatterns = [
    path("backoffice/evenements/<id:pk>/accueil/", lists, name="bo_checkin_lists"),
    path("backoffice/evenements/<id:pk>/accueil/<id:list_pk>/", screen, name="bo_checkin_screen"),
    path(
        "backoffice/evenements/<id:pk>/accueil/hors-ligne.js",
        service_worker,
        name="bo_checkin_service_worker",
    ),
    path(
        "backoffice/evenements/<id:pk>/accueil/<id:list_pk>/liste.json",
        snapshot,
        name="bo_checkin_snapshot",
    ),
    path(
        "backoffice/evenements/<id:pk>/accueil/<id:list_pk>/scans.json",
        sync,
        name="bo_checkin_sync",
    ),
    path(
        "backoffice/evenements/<id:pk>/rendez-vous-tenus/",
        meeting_outcomes,
        name="bo_meeting_outcomes",
    ),
]


class WalkInForm(forms.Form):
    company_name = forms.CharField(label=gettext_lazy("Company"), max_length=200)
    country = forms.ChoiceField(label=gettext_lazy("Country"), choices=countries, initial="FR")
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=100)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=100)
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    phone = MobileField(label=gettext_lazy("Mobile phone"), required=False)
    job_title = forms.CharField(label=gettext_lazy("Job title"), max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "fr", "UK" or "Allemagne" typed on the day is read as its ISO code.
        typed = self.data.get("country") if self.is_bound else None
        code = regform.country_code(typed) if isinstance(typed, str) else None
        if code and code != typed:
            self.data = self.data.copy()
            self.data["country"] = code


@scoped_permission_required("events.validate_registrations", Event)
def walk_in(request, pk):
    """On-site registration in one form: validated, checked in, badge ready."""
    from ..services import walkin

    event = request.event
    form = WalkInForm(request.POST or None)
    rep = None
    if request.method == "POST" and request.POST.get("action") == "fill":
        try:
            run = walkin.fill_free_slots(event, user=request.user, request=request)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Placing the confirmed requests on the free slots."))
            return redirect(f"{redirect('events:bo_scheduling', pk=event.pk).url}?run={run.pk}")
        form = WalkInForm()
    elif request.method == "POST" and form.is_valid():
        lst = CheckinList.objects.filter(event=event, kind=CheckinList.Kind.EVENT).first()
        try:
            rep = walkin.register(
                event, **form.cleaned_data, checkin_list=lst, by=request.user, request=request
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            journal.record("events.walk_in", request=request, obj=rep)
            messages.success(request, _("%(name)s is registered.") % {"name": rep.full_name})
            form = WalkInForm()
    return render(
        request, "events/checkin/walk_in.html", {"event": event, "form": form, "rep": rep}
    )


urlpatterns.append(
    path("backoffice/evenements/<id:pk>/sur-place/", walk_in, name="bo_walk_in"),
)
