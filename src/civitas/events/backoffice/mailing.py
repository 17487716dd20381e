"""Back office: mailing to a filtered set of an event's participants (through the outbox)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateSyntaxError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core.outbox import services as outbox
from civitas.core.params import IdChoicesField
from civitas.core.permissions import permission_required

from ..models import Company, Event, Session
from ..services import ServiceError
from ..services import mailing as svc
from .views import _event_of

PERM = "events.send_mailings"


class FilterForm(forms.Form):
    status = forms.MultipleChoiceField(
        label=gettext_lazy("Registration status"),
        choices=Company.Status.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sector = IdChoicesField(
        label=gettext_lazy("Sectors"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    country = forms.MultipleChoiceField(
        label=gettext_lazy("Countries"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sessions = IdChoicesField(
        label=gettext_lazy("Attending at least one of these sessions"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    meetings = forms.ChoiceField(
        label=gettext_lazy("Meetings"),
        choices=[
            ("", gettext_lazy("With or without meetings")),
            (svc.MEETINGS_WITH, gettext_lazy("With at least one scheduled meeting")),
            (svc.MEETINGS_WITHOUT, gettext_lazy("Without any scheduled meeting")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["sector"].queryset = event.sectors.all()
        self.fields["sessions"].queryset = Session.objects.filter(day__event=event).select_related(
            "day"
        )
        self.fields["country"].choices = [(c, c) for c in svc.filter_choices(event)["countries"]]

    def params(self) -> dict:
        data = self.cleaned_data
        return {
            "event": self.event.pk,
            "status": list(data.get("status") or []),
            "sector": [s.pk for s in data.get("sector") or []],
            "country": list(data.get("country") or []),
            "sessions": [s.pk for s in data.get("sessions") or []],
            "meetings": data.get("meetings") or "",
        }


_TEXT_HELP = gettext_lazy(
    "Placeholders: {first_name}, {last_name}, {name}, {company}, {event}, {event_url}, "
    "{area_url}, {agenda_url} (or {{ first_name }}...)."
)


class MailingForm(FilterForm):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=255)
    body = forms.CharField(
        label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 10}), help_text=_TEXT_HELP
    )
    subject_en = forms.CharField(
        label=gettext_lazy("Subject in English (optional)"), max_length=255, required=False
    )
    body_en = forms.CharField(
        label=gettext_lazy("Text in English (optional)"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text=gettext_lazy(
            "If given, participants whose account is in English receive this version."
        ),
    )
    essential = forms.BooleanField(
        label=gettext_lazy("Service message: also send to people who unsubscribed"),
        required=False,
        help_text=gettext_lazy(
            "Only for information every participant must receive (change of venue, "
            "schedule). Otherwise opt-outs are respected."
        ),
    )

    def _check(self, name):
        value = self.cleaned_data.get(name, "")
        problems = svc.check_text(value)
        if problems:
            raise forms.ValidationError(problems)
        return value

    def clean_subject(self):
        return self._check("subject")

    def clean_body(self):
        return self._check("body")

    def clean_subject_en(self):
        return self._check("subject_en")

    def clean_body_en(self):
        return self._check("body_en")

    def clean(self):
        data = super().clean()
        if bool(data.get("subject_en")) != bool(data.get("body_en")):
            self.add_error(
                "body_en" if data.get("subject_en") else "subject_en",
                _("Give both the English subject and the English text, or none."),
            )
        return data


def _initial():
    return {"status": [Company.Status.VALIDATED]}


@permission_required(PERM, obj_getter=_event_of)
def mailing_list(request, pk):
    event = get_object_or_404(Event, pk=pk)
    page = Paginator(svc.event_mailings(event), 30).get_page(request.GET.get("page"))
    return render(request, "events/mailing/list.html", {"event": event, "page": page})


@permission_required(PERM, obj_getter=_event_of)
def mailing_new(request, pk):
    event = get_object_or_404(Event, pk=pk)
    form = MailingForm(request.POST or None, event=event, initial=_initial())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "send" in request.POST:
            try:
                mailings = svc.send(
                    event,
                    form.params(),
                    subject=data["subject"],
                    body=data["body"],
                    subject_en=data["subject_en"],
                    body_en=data["body_en"],
                    essential=data["essential"],
                    user=request.user,
                    request=request,
                )
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The mailing is being sent."))
                return redirect("events:bo_mailing", pk=event.pk, mailing_pk=mailings[0].pk)
    preview = _preview(event, request.POST if form.is_bound else None)
    return render(
        request,
        "events/mailing/new.html",
        {"event": event, "form": form, "preview": preview},
    )


def _preview(event, data):
    """Count, first recipients and rendered text for the submitted (or default) filters;
    computed even when the rest of the form has errors, so the organiser keeps seeing it."""
    form = FilterForm(data, event=event) if data is not None else None
    if form is not None and form.is_valid():
        params = form.params()
    else:
        params = {"event": event.pk, "status": [Company.Status.VALIDATED]}
    data = data or {}
    subject, body = data.get("subject", ""), data.get("body", "")
    try:
        return svc.preview(event, params, subject, body)
    except TemplateSyntaxError as exc:
        return {"count": svc.count(event, params), "first": [], "error": str(exc)}


@permission_required(PERM, obj_getter=_event_of)
def mailing_preview(request, pk):
    """HTMX: live count, first recipients and rendered text while the form is filled in."""
    event = get_object_or_404(Event, pk=pk)
    preview = _preview(event, request.POST or request.GET or None)
    return render(request, "events/mailing/_preview.html", {"event": event, "preview": preview})


@permission_required(PERM, obj_getter=_event_of)
def mailing_detail(request, pk, mailing_pk):
    event = get_object_or_404(Event, pk=pk)
    mailing = get_object_or_404(svc.event_mailings(event), pk=mailing_pk)
    context = {
        "event": event,
        "mailing": mailing,
        "progress": outbox.mailing_progress(mailing),
    }
    if request.htmx:
        return render(request, "events/mailing/_progress.html", context)
    return render(request, "events/mailing/detail.html", context)
