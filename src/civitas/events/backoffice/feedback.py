"""Back office: surveys of an event (question sets, moment of sending), results with charts
and their data tables, CSV export. Thin views: services/feedback.py holds the rules."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import journal
from civitas.core.permissions import scoped_permission_required

from ..models import Event, Question, Survey
from ..services import feedback as svc


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "send_at", "remind_after_days"]
        widgets = {"send_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}


class QuestionForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Question"), max_length=300)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Question.Kind.choices)
    choices = forms.CharField(
        label=gettext_lazy("Choices (one per line)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        lines = [c.strip()[:200] for c in (data.get("choices") or "").splitlines() if c.strip()]
        if data.get("kind") == Question.Kind.CHOICE and len(lines) < 2:
            self.add_error("choices", _("Give at least two choices."))
        data["choices"] = lines[:20]
        return data


@scoped_permission_required("events.send_mailings", Event)
def surveys(request, pk):
    event = request.event
    if request.method == "POST":
        made = svc.create_defaults(event)
        journal.record("events.surveys_created", request=request, obj=event)
        messages.success(request, _("%(n)s surveys created.") % {"n": len(made)})
        return redirect("events:bo_surveys", pk=event.pk)
    rows = [(s, svc.results(s)) for s in event.surveys.all()]
    return render(request, "events/feedback/surveys.html", {"event": event, "rows": rows})


@scoped_permission_required("events.send_mailings", Event)
def survey_detail(request, pk, survey_pk):
    event = request.event
    survey = get_object_or_404(Survey, pk=survey_pk, event=event)
    form = SurveyForm(instance=survey, prefix="s")
    qform = QuestionForm(prefix="q")
    if request.method == "POST" and request.POST.get("action") == "survey":
        form = SurveyForm(request.POST, instance=survey, prefix="s")
        if form.is_valid():
            form.save()
            messages.success(request, _("Survey saved."))
            return redirect(request.path)
    elif request.method == "POST" and request.POST.get("action") == "question":
        qform = QuestionForm(request.POST, prefix="q")
        if qform.is_valid():
            d = qform.cleaned_data
            Question.objects.create(
                survey=survey,
                label=d["label"],
                kind=d["kind"],
                choices=d["choices"] if d["kind"] == Question.Kind.CHOICE else [],
                order=survey.questions.count() + 1,
            )
            messages.success(request, _("Question added."))
            return redirect(request.path)
    return render(
        request,
        "events/feedback/survey.html",
        {
            "event": event,
            "survey": survey,
            "form": form,
            "qform": qform,
            "r": svc.results(survey),
            "answered": survey.invitations.filter(answered_at__isnull=False).exists(),
        },
    )


@scoped_permission_required("events.send_mailings", Event)
def survey_csv(request, pk, survey_pk):
    event = request.event
    survey = get_object_or_404(Survey, pk=survey_pk, event=event)
    header, rows = svc.export_rows(survey)
    journal.record("export.survey", request=request, obj=survey, details={"rows": len(rows)})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="avis-{event.slug}-{survey.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([("'" + v) if str(v)[:1] in "=+-@" else v for v in row])
    return response


urlpatterns = [
    path("backoffice/evenements/<id:pk>/avis/", surveys, name="bo_surveys"),
    path("backoffice/evenements/<id:pk>/avis/<id:survey_pk>/", survey_detail, name="bo_survey"),
    path("backoffice/evenements/<id:pk>/avis/<id:survey_pk>.csv", survey_csv, name="bo_survey_csv"),
]
