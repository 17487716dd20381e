"""Back office: the organiser moves one scheduled expert meeting by hand."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core.permissions import scoped_permission_required

from ..models import Event, Expert, ExpertMeeting
from ..services import ServiceError
from ..services import expert_moves as svc
from .manual import _next


def _time_label(start, end) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    return f"{start:%d/%m/%Y %H:%M}–{end:%H:%M}"


class MoveForm(forms.Form):
    target = forms.ChoiceField(
        label=gettext_lazy("New expert and time"),
        help_text=gettext_lazy(
            "Only the times when the participant is free (no B2B meeting, no other expert "
            "meeting, session attended) and, for another expert, with a place left."
        ),
    )

    def __init__(self, *args, em, options, **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[int, tuple[str, list]] = {}
        for o in options:
            name = o.expert.full_name
            if o.expert.pk == em.expert_id:
                name = _("%(name)s (same expert)") % {"name": name}
            label = f"{_time_label(o.time.start, o.time.end)} – {o.expert.place}"
            groups.setdefault(o.expert.pk, (name, []))[1].append((o.key, label))
        choices = [("", "---------")] + [(name, items) for name, items in groups.values()]
        # A choice taken since the page was shown stays selectable, so the organiser reads
        # why it is refused next to what they chose.
        posted = self.data.get(self.add_prefix("target")) if self.is_bound else None
        known = {o.key for o in options}
        parsed = svc.parse_key(posted) if posted else None
        if posted and posted not in known and parsed is not None:
            expert = Expert.objects.filter(pk=parsed[0], event_id=em.event_id).first()
            t = None
            if expert is not None:
                t = next((t for t in svc.base.expert_times(expert) if t.start == parsed[1]), None)
            if t is not None:
                label = f"{expert.full_name} – {_time_label(t.start, t.end)}"
                choices.append((_("No longer free"), [(posted, label)]))
        self.fields["target"].choices = choices

    def clean_target(self):
        parsed = svc.parse_key(self.cleaned_data["target"])
        if parsed is None:
            raise forms.ValidationError(_("Choose an expert and a time in the list."))
        return parsed


@scoped_permission_required("events.manage_meetings", Event)
def expert_meeting_move(request, pk, meeting_pk):
    event = request.event
    em = get_object_or_404(
        ExpertMeeting.objects.select_related("expert", "representative__company", "topic"),
        pk=meeting_pk,
        event=event,
        state=ExpertMeeting.State.SCHEDULED,
    )
    old_expert_pk = em.expert_id
    form = MoveForm(request.POST or None, em=em, options=svc.move_options(em))
    if request.method == "POST" and form.is_valid():
        expert_pk, start = form.cleaned_data["target"]
        expert = get_object_or_404(Expert, pk=expert_pk, event=event)
        try:
            em = svc.move_meeting(em, expert, start, request=request)
        except ServiceError as exc:
            form.add_error("target", str(exc))
        else:
            messages.success(
                request,
                _("Meeting moved: %(expert)s, %(when)s. The participant and the experts are told.")
                % {"expert": em.expert.full_name, "when": _time_label(em.start, em.end)},
            )
            if request.POST.get("next") or request.GET.get("next"):
                return redirect(_next(request, event))
            return redirect("events:bo_expert_agenda", pk=pk, expert_pk=old_expert_pk)
    return render(
        request,
        "events/experts/bo_move.html",
        {"event": event, "em": em, "form": form, "next": request.GET.get("next", "")},
    )
