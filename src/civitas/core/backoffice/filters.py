"""Filters of the core back-office lists, shared by the screens and their exporters."""

from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone

from ..journal import actions_labelled, visible_entries
from ..models import JournalEntry, LoginEvent, User
from .forms import JournalFilterForm, LoginJournalFilterForm


def day_bounds(form):
    tz = timezone.get_current_timezone()
    start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz) if start else None,
        timezone.make_aware(datetime.combine(end, time.max), tz) if end else None,
    )


def _dates(qs, form, field):
    start, end = day_bounds(form)
    if start:
        qs = qs.filter(**{f"{field}__gte": start})
    if end:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def journal(params, user):
    """The action journal as `user` may read it (by scope), filtered by the form."""
    form = JournalFilterForm(params or None)
    qs = visible_entries(user, JournalEntry.objects.all())
    if form.is_valid():
        q = form.cleaned_data["q"]
        if q:
            qs = qs.filter(
                Q(actor_repr__icontains=q) | Q(object_repr__icontains=q) | Q(ip__icontains=q)
            )
        action = form.cleaned_data["action"]
        if action:
            # The code ("support.ticket") or a part of its label ("ticket ouvert").
            qs = qs.filter(Q(action__icontains=action) | Q(action__in=actions_labelled(action)))
        qs = _dates(qs, form, "created_at")
    return form, qs


def login_journal(params):
    form = LoginJournalFilterForm(params or None)
    qs = LoginEvent.objects.all()
    if form.is_valid():
        q = form.cleaned_data["q"]
        if q:
            qs = qs.filter(Q(identifier__icontains=q) | Q(ip__icontains=q))
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
        qs = _dates(qs, form, "created_at")
    return form, qs


def users(params):
    q = (params.get("q") or "").strip()
    qs = User.objects.all()
    if q:
        qs = qs.filter(Q(email__icontains=q) | Q(full_name__icontains=q))
    return q, qs
