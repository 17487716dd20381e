"""Back office: the reminder schedule of an event and a bulk SMS to filtered participants.
Thin views: the rules live in services/reminders.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import journal
from civitas.core.permissions import scoped_permission_required

from ..models import Company, Event, ReminderRule
from ..services import ServiceError, reminders
from . import confirm


class ReminderRuleForm(forms.ModelForm):
    class Meta:
        model = ReminderRule
        fields = [
            "about",
            "minutes_before",
            "channel",
            "audience",
            "quiet_from",
            "quiet_until",
            "active",
        ]
        widgets = {
            "quiet_from": forms.TimeInput(attrs={"type": "time"}),
            "quiet_until": forms.TimeInput(attrs={"type": "time"}),
        }


class BulkSmsForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text of the SMS"),
        max_length=reminders.SMS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    statuses = forms.MultipleChoiceField(
        label=gettext_lazy("Registrations"),
        choices=Company.Status.choices,
        initial=[Company.Status.VALIDATED],
        widget=forms.CheckboxSelectMultiple,
    )
    country = forms.CharField(
        label=gettext_lazy("Country (ISO code)"), max_length=2, required=False
    )
    checked_in = forms.ChoiceField(
        label=gettext_lazy("Check-in"),
        choices=[
            ("", gettext_lazy("Everyone")),
            ("yes", gettext_lazy("Checked in")),
            ("no", gettext_lazy("Not checked in")),
        ],
        required=False,
    )


@scoped_permission_required("events.send_mailings", Event)
def reminder_rules(request, pk):
    event = request.event
    form = ReminderRuleForm(request.POST or None, prefix="rule")
    sms_form = BulkSmsForm(None, prefix="sms")
    if request.method == "POST" and request.POST.get("action") == "rule":
        if form.is_valid():
            rule = form.save(commit=False)
            rule.event = event
            rule.save()
            journal.record("events.reminder_added", request=request, obj=rule)
            messages.success(request, _("Reminder added."))
            return redirect("events:bo_reminders", pk=event.pk)
    elif request.method == "POST" and request.POST.get("action") == "sms":
        form = ReminderRuleForm(None, prefix="rule")
        sms_form = BulkSmsForm(request.POST, prefix="sms")
        if sms_form.is_valid():
            data = sms_form.cleaned_data
            people = reminders.sms_recipients(
                event,
                statuses=data["statuses"],
                country=data["country"],
                checked_in={"yes": True, "no": False}.get(data["checked_in"]),
            )
            if not confirm.confirmed(request):
                return confirm.page(
                    request,
                    event,
                    count=people.count(),
                    title=_("Send an SMS to the chosen participants"),
                    what=data["text"],
                    submit=_("Send the SMS"),
                    back=request.path,
                    sms=True,
                )
            try:
                n = reminders.bulk_sms(
                    event, data["text"], people, user=request.user, request=request
                )
            except ServiceError as exc:
                sms_form.add_error("text", str(exc))
            else:
                messages.success(request, _("%(n)s SMS queued.") % {"n": n})
                return redirect("events:bo_reminders", pk=event.pk)
    rules = event.reminder_rules.annotate(n_sent=Count("sent"))
    return render(
        request,
        "events/reminders/page.html",
        {"event": event, "form": form, "sms_form": sms_form, "rules": rules},
    )


@scoped_permission_required("events.send_mailings", Event)
def reminder_delete(request, pk, rule_pk):
    event = request.event
    rule = get_object_or_404(ReminderRule, pk=rule_pk, event=event)
    if request.method == "POST":
        journal.record("events.reminder_deleted", request=request, obj=rule)
        rule.delete()
        messages.success(request, _("Reminder deleted."))
    return redirect("events:bo_reminders", pk=event.pk)


urlpatterns = [
    path("backoffice/evenements/<id:pk>/rappels/", reminder_rules, name="bo_reminders"),
    path(
        "backoffice/evenements/<id:pk>/rappels/<id:rule_pk>/supprimer/",
        reminder_delete,
        name="bo_reminder_delete",
    ),
]
