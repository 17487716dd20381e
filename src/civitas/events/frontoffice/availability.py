"""Participant area: the sessions I attend (with confirmation before meetings are cancelled)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from civitas.core.params import IdChoicesField
from civitas.core.permissions import login_required

from ..models import Session
from ..services import ServiceError, availability
from .forms import session_label
from .views import _me, _not_registered


class SessionField(IdChoicesField):
    def label_from_instance(self, s):
        return session_label(s)


class AvailabilityForm(forms.Form):
    attended = SessionField(
        queryset=Session.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Sessions I attend"),
        help_text=gettext_lazy("Untick the sessions you will miss."),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = Session.objects.filter(day__event=event).select_related(
            "day"
        )


@login_required
def area_availability(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    attended = Session.objects.filter(day__event=event).exclude(absent_representatives=me)
    form = AvailabilityForm(request.POST or None, event=event, initial={"attended": attended})
    to_confirm = None
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = availability.set_sessions(
                me, form.cleaned_data["attended"], confirmed=request.POST.get("confirm") == "1"
            )
        except availability.NeedsConfirmation as exc:
            to_confirm = [(m, m.request.other(me)) for m in exc.meetings]
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if cancelled:
                messages.success(
                    request,
                    ngettext(
                        "Saved; %(n)s meeting is cancelled and the other party is told.",
                        "Saved; %(n)s meetings are cancelled and the other parties are told.",
                        len(cancelled),
                    )
                    % {"n": len(cancelled)},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect("events:area_agenda", slug=slug)
    return render(
        request,
        "events/availability/form.html",
        {"event": event, "me": me, "form": form, "to_confirm": to_confirm},
    )
