"""Back office: the co-organiser space of an event (seed 003 §16.2, EEN). A person whose
role is on one co-organiser (scope "coorganiser") sees, validates or rejects, corrects and
books meetings for the companies that co-organiser follows, and for no other; a role on
the event covers the space too (every company of the event).

The page is reached from the event list and the back-office home. Access: the permission
on the event or on one of its co-organisers (`space_required`), then every company,
meeting and partner list is narrowed by `restrict()`: a company of another co-organiser or
of another event answers 404. Thin views over the organisers' own services
(services/registration.py, services/manual.py).
"""

from __future__ import annotations

from collections import Counter
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civitas.core.permissions import Access, has_perm, restrict

from ..forms import CompanyForm
from ..models import Company, CoOrganiser, Event, Meeting, Representative, Slot
from ..services import ServiceError, registration
from ..services import manual as manual_svc
from .forms import SlotField

VIEW = "events.view_registrations"
VALIDATE = "events.validate_registrations"
BOOK = "events.manage_meetings"


def may_enter(user, codename, event) -> bool:
    """The permission on the event, or on one of its co-organisers."""
    if has_perm(user, codename, event):
        return True
    return restrict(CoOrganiser.objects.filter(event=event), user, codename).exists()


def space_required(codename):
    """Load the event of the URL once (`request.event`), 404 if absent; login first; 403
    without `codename` on the event or one of its co-organisers."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            event = get_object_or_404(Event, pk=kwargs["pk"])
            if not may_enter(request.user, codename, event):
                raise PermissionDenied(codename)
            request.scope = request.event = event
            return view(request, *args, **kwargs)

        wrapper.civitas_access = Access("permission", codename)
        return wrapper

    return decorator


def _companies(request, codename=VIEW):
    """The event's companies within the user's scopes for `codename`."""
    return restrict(Company.objects.filter(event=request.event), request.user, codename)


def _company(request, company_pk, codename=VIEW) -> Company:
    return get_object_or_404(
        _companies(request, codename).select_related("co_organiser", "sector"), pk=company_pk
    )


def _meeting_counts(event, company_ids) -> Counter:
    counts: Counter = Counter()
    rows = Meeting.objects.filter(event=event, state=Meeting.State.SCHEDULED).filter(
        Q(request__sender__company__in=company_ids) | Q(request__recipient__company__in=company_ids)
    )
    for a, b in rows.values_list("request__sender__company_id", "request__recipient__company_id"):
        counts[a] += 1
        counts[b] += 1
    return counts


@space_required(VIEW)
def space_home(request, pk):
    event = request.event
    companies = list(
        _companies(request)
        .select_related("co_organiser")
        .annotate(n_reps=Count("representatives", distinct=True))
        .order_by("name")
    )
    counts = _meeting_counts(event, [c.pk for c in companies])
    for c in companies:
        c.n_meetings = counts.get(c.pk, 0)
    pending = [c for c in companies if c.status == Company.Status.REGISTERED]
    co_organisers = restrict(CoOrganiser.objects.filter(event=event), request.user, VIEW)
    return render(
        request,
        "events/coorganisers/space.html",
        {
            "event": event,
            "companies": companies,
            # the co-organiser column only says something when the companies have several
            "several": len({c.co_organiser_id for c in companies}) > 1,
            "pending": pending,
            "co_organisers": co_organisers,
            "validatable": {
                c.pk for c in _companies(request, VALIDATE).filter(pk__in=[p.pk for p in pending])
            },
        },
    )


@space_required(VIEW)
def space_company(request, pk, company_pk):
    event = request.event
    company = _company(request, company_pk)
    reps = list(company.representatives.order_by("last_name", "first_name"))
    meetings = (
        Meeting.objects.filter(event=event, state=Meeting.State.SCHEDULED)
        .filter(Q(request__sender__company=company) | Q(request__recipient__company=company))
        .select_related("slot", "room", "request__sender__company", "request__recipient__company")
        .order_by("slot__start")
    )
    return render(
        request,
        "events/coorganisers/space_company.html",
        {
            "event": event,
            "company": company,
            "representatives": reps,
            "offers": company.offers.order_by("kind", "title"),
            "meetings": meetings,
            "can_validate": has_perm(request.user, VALIDATE, company),
            "can_book": has_perm(request.user, BOOK, company)
            and company.status == Company.Status.VALIDATED,
        },
    )


@space_required(VALIDATE)
@require_POST
def space_validate(request, pk, company_pk):
    company = _company(request, company_pk, VALIDATE)
    if company.status == Company.Status.REGISTERED:
        registration.validate_registration(company, request=request)
        messages.success(request, _("%(c)s is validated.") % {"c": company})
    else:
        messages.info(request, _("%(c)s was not awaiting validation.") % {"c": company})
    return redirect("events:bo_coorg_space", pk=pk)


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


@space_required(VALIDATE)
def space_reject(request, pk, company_pk):
    event = request.event
    company = _company(request, company_pk, VALIDATE)
    if company.status == Company.Status.REJECTED:
        messages.info(request, _("%(c)s is already rejected.") % {"c": company})
        return redirect("events:bo_coorg_space", pk=pk)
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
            return redirect("events:bo_coorg_space", pk=pk)
    return render(
        request,
        "events/coorganisers/space_reject.html",
        {
            "event": event,
            "company": company,
            "validated": validated,
            "form": form,
            **registration.rejection_consequences(company),
        },
    )


@space_required(VALIDATE)
def space_company_edit(request, pk, company_pk):
    event = request.event
    company = _company(request, company_pk, VALIDATE)
    form = CompanyForm(request.POST or None, instance=company, event=event, prefix="company")
    if request.method == "POST" and form.is_valid():
        try:
            registration.organiser_update_company(form.save(commit=False), request=request)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The company's data are saved."))
            return redirect("events:bo_coorg_company", pk=pk, company_pk=company.pk)
    return render(
        request,
        "events/coorganisers/space_form.html",
        {
            "event": event,
            "company": company,
            "form": form,
            "title": _("Correct the company %(c)s") % {"c": company.name},
        },
    )


class PartyField(forms.ModelChoiceField):
    def label_from_instance(self, rep):
        return f"{rep.full_name} ({rep.company.name})"


class BookForm(forms.Form):
    representative = PartyField(
        queryset=Representative.objects.none(), label=gettext_lazy("Participant")
    )
    partner = PartyField(queryset=Representative.objects.none(), label=gettext_lazy("Meets"))
    slot = SlotField(queryset=Slot.objects.none(), label=gettext_lazy("Slot"))
    publish = forms.BooleanField(
        required=False,
        initial=True,
        label=gettext_lazy("Publish now and tell both parties (e-mail and SMS)"),
        help_text=gettext_lazy("Otherwise the meeting stays a draft until the next publication."),
    )

    def __init__(self, *args, event, company, **kwargs):
        super().__init__(*args, **kwargs)
        people = Representative.objects.filter(
            company__event=event,
            company__status=Company.Status.VALIDATED,
            moderation="validated",
        ).select_related("company")
        self.fields["representative"].queryset = people.filter(company=company)
        # Any other validated participant of the event, whoever follows them.
        self.fields["partner"].queryset = people.exclude(company=company).order_by(
            "company__name", "last_name", "first_name"
        )
        self.fields["slot"].queryset = Slot.objects.filter(
            session__day__event=event, end__gt=timezone.now()
        ).select_related("session")


@space_required(BOOK)
def space_book(request, pk, company_pk):
    event = request.event
    company = _company(request, company_pk, BOOK)
    form = BookForm(request.POST or None, event=event, company=company)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = manual_svc.book_meeting(
                data["representative"],
                data["partner"],
                data["slot"],
                publish=data["publish"],
                request=request,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Meeting placed: %(slot)s, %(room)s, table %(table)s.")
                % {"slot": meeting.slot, "room": meeting.room, "table": meeting.table_number},
            )
            return redirect("events:bo_coorg_company", pk=pk, company_pk=company.pk)
    return render(
        request,
        "events/coorganisers/space_form.html",
        {
            "event": event,
            "company": company,
            "form": form,
            "title": _("Book a meeting for %(c)s") % {"c": company.name},
            "submit": _("Book the meeting"),
        },
    )


P = "backoffice/evenements/<id:pk>/co-organisateur/"
C = f"{P}inscriptions/<id:company_pk>/"
urlpatterns = [
    path(P, space_home, name="bo_coorg_space"),
    path(C, space_company, name="bo_coorg_company"),
    path(f"{C}valider/", space_validate, name="bo_coorg_validate"),
    path(f"{C}refuser/", space_reject, name="bo_coorg_reject"),
    path(f"{C}modifier/", space_company_edit, name="bo_coorg_company_edit"),
    path(f"{C}rendez-vous/", space_book, name="bo_coorg_book"),
]
