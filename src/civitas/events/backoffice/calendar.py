"""Back office: the calendar of the events the reader's roles cover and of their animations,
grouped by month, filtered by establishment, theme, kind, state and period (by default twelve
months from the current month, with links to the previous and next periods), 50 entries a
page; all the filtered rows (not only the page) as CSV or iCalendar (`?format=csv`,
`?format=ics`). The rules live in services/calendar.py."""

from __future__ import annotations

import csv

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import journal
from civitas.core.params import IdField
from civitas.core.permissions import permission_required

from ..services import calendar as svc
from .views import visible_events


class CalendarFilterForm(forms.Form):
    establishment = IdField(label=gettext_lazy("Establishment"))
    theme = forms.CharField(label=gettext_lazy("Theme"), required=False, max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Type"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are the reader's own establishments and themes; a value typed in the
        # address outside them is still a valid filter that matches nothing.
        self.fields["establishment"].widget = forms.Select(
            choices=[("", _("All establishments"))]
            + [(s.pk, s.name) for s in svc.establishments(events)]
        )
        self.fields["theme"].widget = forms.Select(
            choices=[("", _("All themes"))] + [(t, t) for t in svc.themes(events)]
        )
        self.fields["kind"].choices = [("", _("All types"))] + svc.kinds()
        self.fields["state"].choices = [("", _("All states"))] + svc.STATES

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            # Neither date is kept: an inverted period says nothing about what was meant.
            self.add_error(None, _("The end of the period is before its start."))
            data.pop("start", None)
            data.pop("end", None)
        return data

    def filters(self) -> dict:
        """The filters that are valid (a wrong one is reported on its field and ignored)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def period_query(params, period) -> str:
    """The query string of the same filters over another period (first page)."""
    kept = [(k, v) for k, v in params.lists() if k not in ("start", "end", "page", "format")]
    kept += [("start", period.start.isoformat()), ("end", period.end.isoformat())]
    return "?" + urlencode(kept, doseq=True)


@permission_required("events.view_registrations")
def calendar(request):
    events = visible_events(request.user)
    form = CalendarFilterForm(request.GET or None, events=events)
    filters = form.filters()
    period = svc.period(
        filters.pop("start", None),
        filters.pop("end", None),
        state=filters.get("state", ""),
        today=timezone.localdate(),
    )
    items = svc.entries(events, start=period.start, end=period.end, **filters)
    fmt = request.GET.get("format")
    if fmt in ("csv", "ics") and not form.errors:
        journal.record(
            "events.calendar_exported",
            request=request,
            details={
                "format": fmt,
                **{k: str(v) for k, v in filters.items()},
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
            },
        )
        if fmt == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            writer = csv.writer(response, delimiter=";")
            writer.writerow(svc.COLUMNS)
            writer.writerows(svc.csv_rows(items))
            response["Content-Disposition"] = 'attachment; filename="calendrier.csv"'
            return response
        response = HttpResponse(
            svc.icalendar(
                items, name=_("Calendar of events"), domain=request.get_host().split(":")[0]
            ),
            content_type="text/calendar; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="calendrier.ics"'
        return response
    # A page number that is not one (or beyond the last page) gives the first (the last) page.
    page = Paginator(items, svc.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/backoffice/calendar.html",
        {
            "form": form,
            "months": svc.by_month(page.object_list),
            "count": len(items),
            "page": page,
            "period": period,
            "previous_query": period_query(request.GET, period.shifted(-1)),
            "next_query": period_query(request.GET, period.shifted(1)),
        },
    )
