"""Back office of business events; every view is scoped to one event."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civitas.core import journal
from civitas.core.models import Organisation
from civitas.core.permissions import (
    has_perm,
    permission_required,
    restrict,
    scoped_permission_required,
)

from ..models import (
    Company,
    Event,
    Meeting,
    MeetingRequest,
    Representative,
    ScheduleRun,
    Session,
)
from ..services import ServiceError, agenda, coorganisers, dashboard, registration, setup
from ..services import scheduling as scheduling_svc
from .forms import ITEM_FORMS, EventForm, SessionForm


def visible_events(user, codename="events.view_registrations"):
    return restrict(Event.objects.all(), user, codename)


@permission_required("events.view_registrations")
def event_list(request):
    events = visible_events(request.user).annotate(n_companies=Count("companies", distinct=True))
    can_create = has_perm(request.user, "events.create_event", Organisation.get())
    return render(
        request,
        "events/backoffice/event_list.html",
        {
            "events": events,
            "can_create": can_create,
            "spaces": coorganisers.space_events(request.user),
        },
    )


@permission_required("events.create_event", obj_getter=lambda r, **k: Organisation.get())
def event_create(request):
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        initial={"languages": ["fr", "en"], "public_fields": Event.DEFAULT_PUBLIC_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        event = setup.create_event(request=request, **data)
        messages.success(request, _("Event created with the NACE sectors."))
        return redirect("events:bo_event", pk=event.pk)
    return render(
        request,
        "events/backoffice/form.html",
        {"form": form, "title": _("New event"), "multipart": True},
    )


@scoped_permission_required("events.view_registrations", Event)
def event_detail(request, pk):
    event = request.event
    counts = dict(event.companies.values_list("status").annotate(n=Count("pk")))
    return render(
        request,
        "events/backoffice/event_detail.html",
        {
            "event": event,
            "counts": counts,
            "days": event.days.prefetch_related("sessions__slots"),
            "sites": event.sites.prefetch_related("rooms"),
            "kinds": [(k, label) for k, (label, _f) in ITEM_FORMS.items()],
            "can_manage": has_perm(request.user, "events.manage_event", event),
        },
    )


@scoped_permission_required("events.manage_event", Event)
def event_edit(request, pk):
    event = request.event
    form = EventForm(request.POST or None, request.FILES or None, instance=event)
    if request.method == "POST" and form.is_valid():
        dashboard.rearm_forecast_alert(form.instance, form.changed_data)
        form.save()
        journal.record(
            "events.event_changed",
            request=request,
            obj=event,
            details={"fields": form.changed_data},
        )
        messages.success(request, _("Saved."))
        return redirect("events:bo_event", pk=event.pk)
    return render(
        request,
        "events/backoffice/form.html",
        {"form": form, "title": _("Edit %(e)s") % {"e": event}, "multipart": True, "event": event},
    )


@scoped_permission_required("events.manage_event", Event)
def add_item(request, pk, kind):
    event = request.event
    if kind not in ITEM_FORMS:
        raise Http404
    label, form_class = ITEM_FORMS[kind]
    form = form_class(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        if hasattr(obj, "event_id") and kind not in ("room", "session"):
            obj.event = event
        try:
            with transaction.atomic():
                obj.save()
                if kind == "session":
                    result = setup.generate_slots(obj)
                    messages.info(request, _("%(n)s slots generated.") % {"n": result["total"]})
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            journal.record(f"events.{kind}_added", request=request, obj=obj)
            messages.success(request, _("Added."))
            return redirect("events:bo_event", pk=event.pk)
    return render(
        request,
        "events/backoffice/form.html",
        {"form": form, "title": _("Add: %(k)s") % {"k": label}, "event": event},
    )


@scoped_permission_required("events.manage_event", Event)
def session_edit(request, pk, session_pk):
    event = request.event
    session = get_object_or_404(Session, pk=session_pk, day__event=event)
    form = SessionForm(request.POST or None, instance=session, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
                result = setup.generate_slots(session)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            journal.record("events.session_changed", request=request, obj=session, details=result)
            messages.success(
                request,
                _("Slots: %(c)s created, %(d)s removed, %(t)s in all.")
                % {"c": result["created"], "d": result["deleted"], "t": result["total"]},
            )
            return redirect("events:bo_event", pk=event.pk)
    return render(
        request,
        "events/backoffice/form.html",
        {
            "form": form,
            "title": _("Session %(s)s") % {"s": session},
            "event": event,
        },
    )


@scoped_permission_required("events.view_registrations", Event)
def registrations(request, pk):
    event = request.event
    qs = (
        event.companies.select_related("sector", "co_organiser")
        .prefetch_related("representatives")
        .annotate(n_reps=Count("representatives", distinct=True))
    )
    status = request.GET.get("status", "")
    if status in Company.Status.values:
        qs = qs.filter(status=status)
    co_organisers = list(event.co_organisers.all())
    co_organiser = request.GET.get("co_organiser", "")
    qs = coorganisers.filter_companies(qs, co_organiser)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(representatives__email__icontains=q)).distinct()
    page = Paginator(qs.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    journal.record("events.registrations_viewed", request=request, obj=event)
    return render(
        request,
        "events/backoffice/registrations.html",
        {
            "event": event,
            "page": page,
            "status": status,
            "q": q,
            "statuses": Company.Status.choices,
            "co_organisers": co_organisers,
            "co_organiser": co_organiser,
            "can_validate": has_perm(request.user, "events.validate_registrations", event),
        },
    )


@scoped_permission_required("events.validate_registrations", Event)
@require_POST
def registration_action(request, pk, company_pk, action):
    company = get_object_or_404(Company, pk=company_pk, event_id=pk)
    if action == "validate":
        registration.validate_registration(company, request=request)
        messages.success(request, _("%(c)s is validated.") % {"c": company})
    elif action == "reject":
        # Rejecting goes through its confirmation page (consequences and reason).
        return redirect("events:bo_registration_reject", pk=pk, company_pk=company.pk)
    else:
        raise Http404
    return redirect("events:bo_registrations", pk=pk)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason, sent to the company"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )

    def __init__(self, *args, validated: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = validated


@scoped_permission_required("events.validate_registrations", Event)
def registration_reject(request, pk, company_pk):
    """Confirmation page of a rejection: what it does (requests and meetings cancelled,
    partners told) and the reason, required when the company was already validated."""
    event = request.event
    company = get_object_or_404(Company, pk=company_pk, event=event)
    if company.status == Company.Status.REJECTED:
        messages.info(request, _("%(c)s is already rejected.") % {"c": company})
        return redirect("events:bo_registrations", pk=pk)
    validated = company.status == Company.Status.VALIDATED
    form = RejectForm(request.POST or None, validated=validated)
    if request.method == "POST" and form.is_valid():
        try:
            registration.reject_registration(
                company, reason=form.cleaned_data["reason"], request=request
            )
        except ServiceError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(
                request,
                (
                    _("%(c)s is withdrawn; its partners are told.")
                    if validated
                    else _("%(c)s is rejected.")
                )
                % {"c": company},
            )
            return redirect("events:bo_registrations", pk=pk)
    return render(
        request,
        "events/backoffice/registration_reject.html",
        {
            "event": event,
            "company": company,
            "validated": validated,
            "form": form,
            **registration.rejection_consequences(company),
        },
    )


@scoped_permission_required("events.view_registrations", Event)
def requests_list(request, pk):
    event = request.event
    qs = (
        event.meeting_requests.select_related("sender__company", "recipient__company", "slot")
        .prefetch_related(_live_meetings(), "preferred_sessions__day")
        .order_by("created_at")
    )
    state = request.GET.get("state", "")
    unplaced = scheduling_svc.confirmed_unplaced(event)
    if state == UNPLACED:
        qs = qs.filter(pk__in=unplaced.values("pk"))
    elif state in MeetingRequest.State.values:
        qs = qs.filter(state=state)
    counts = dict(event.meeting_requests.values_list("state").annotate(n=Count("pk")))
    states = [(v, label, counts.get(v, 0)) for v, label in MeetingRequest.State.choices]
    confirmed_at = [v for v, _label, _n in states].index(MeetingRequest.State.CONFIRMED) + 1
    states.insert(confirmed_at, (UNPLACED, _("Confirmed, not placed"), unplaced.count()))
    page = _page_by_ids(qs.order_by("created_at", "pk"), request.GET.get("page"), 50)
    return render(
        request,
        "events/backoffice/requests.html",
        {
            "event": event,
            "page": page,
            "state": state,
            "counts": counts,
            "states": states,
            "can_manage": has_perm(request.user, "events.manage_meetings", event),
        },
    )


def _page_by_ids(qs, number, per_page):
    """The page `number` of `qs`: counted and cut on the ids alone, then only that page's
    rows loaded with their joins and prefetches (an OFFSET over the full joined rows costs
    more the further the page)."""
    page = Paginator(qs.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    rows = qs.in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


# The requests list's filter for confirmed requests that have no scheduled meeting.
UNPLACED = "unplaced"


def _live_meetings():
    from django.db.models import Prefetch

    return Prefetch(
        "meetings",
        queryset=Meeting.objects.filter(state=Meeting.State.SCHEDULED).select_related(
            "slot", "room__site"
        ),
        to_attr="live_meetings",
    )


@scoped_permission_required("events.view_registrations", Event)
def participant_agenda(request, pk, rep_pk):
    event = request.event
    rep = get_object_or_404(Representative, pk=rep_pk, company__event=event)
    return render(
        request,
        "events/backoffice/agenda.html",
        {
            "event": event,
            "rep": rep,
            "days": agenda.by_day(rep, published_only=False),
            "can_manage": has_perm(request.user, "events.manage_meetings", event),
            "unplaced": scheduling_svc.confirmed_unplaced(event)
            .filter(Q(sender=rep) | Q(recipient=rep))
            .select_related("sender__company", "recipient__company"),
        },
    )


@scoped_permission_required("events.run_scheduling", Event)
def scheduling(request, pk):
    event = request.event
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("run", "incremental"):
                run = scheduling_service_start(request, event, action == "incremental")
                messages.success(request, _("Scheduling started."))
                return redirect(f"{request.path}?run={run.pk}")
            if action == "publish" and not request.POST.get("confirm"):
                # Everyone concerned is mailed: say how many first, and ask again.
                return render(
                    request,
                    "events/backoffice/publish_confirm.html",
                    {"event": event, **scheduling_svc.publication_figures(event)},
                )
            if action == "publish":
                n = scheduling_svc.publish(event, request=request)
                messages.success(
                    request, _("%(n)s meetings published; participants are notified.") % {"n": n}
                )
            if action in ("lock", "unlock"):
                meeting = get_object_or_404(Meeting, pk=request.POST.get("meeting"), event=event)
                scheduling_svc.set_locked(meeting, action == "lock", request=request)
        except ServiceError as exc:
            messages.error(request, str(exc))
        return redirect("events:bo_scheduling", pk=pk)
    scheduling_svc.settle_interrupted(event)
    run = event.schedule_runs.first()
    meetings = Meeting.objects.filter(event=event, state=Meeting.State.SCHEDULED).select_related(
        "slot", "room__site", "request__sender__company", "request__recipient__company"
    )
    page = Paginator(meetings, 100).get_page(request.GET.get("page"))
    unplaced = scheduling_svc.confirmed_unplaced(event)
    return render(
        request,
        "events/backoffice/scheduling.html",
        {
            "event": event,
            "run": run,
            "page": page,
            "job": run and scheduling_svc.job_for(run),
            "to_place": unplaced.count(),
            "live": scheduling_svc.live_figures(event),
            "running": event.schedule_runs.filter(status=ScheduleRun.Status.RUNNING).exists(),
            # The first ones, each with a link to place it by hand; the requests list
            # filtered on "confirmed, not placed" has them all.
            "unplaced": unplaced.select_related("sender__company", "recipient__company").order_by(
                "confirmed_at", "pk"
            )[:UNPLACED_SHOWN],
            "unplaced_shown": UNPLACED_SHOWN,
            "can_manage": has_perm(request.user, "events.manage_meetings", event),
        },
    )


UNPLACED_SHOWN = 20


def scheduling_service_start(request, event, incremental=False):
    return scheduling_svc.start(event, user=request.user, request=request, incremental=incremental)
