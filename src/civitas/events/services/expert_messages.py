"""Messages about expert meetings (mail, and SMS when a mobile number is known), through the
outbox with templates administrators can edit."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core.outbox import services as outbox
from civitas.core.sites import absolute_url

from ..models import SCOPE_EVENT
from .notify import EventMessage, event_url, register_event_messages

_PLACEHOLDERS = {
    "event": _("Event name"),
    "event_url": _("Address of the event page"),
    "name": _("Recipient's name"),
    "other": _("The expert (for a participant) or the participant and company (for an expert)"),
    "when": _("Date and time"),
    "where": _("Place"),
    "subject": _("Subject of the meeting"),
    "previous": _("The expert who was expected (moved meetings)"),
    "agenda_url": _("Address of the expert's agenda (experts with a user account)"),
}

# code, label, French text, English text
_TEXTS = [
    (
        "expert_request_received",
        _("Expert meetings: request recorded (pre-assignment)"),
        "Votre demande de rendez-vous avec {{ other }} est enregistrée. Les organisateurs "
        "choisiront les entreprises reçues et vous informeront.",
        "Your request to meet {{ other }} is recorded. The organisers will choose the "
        "companies the expert meets and let you know.",
    ),
    (
        "expert_meeting_scheduled",
        _("Expert meetings: meeting scheduled (participant)"),
        "Votre rendez-vous avec {{ other }} : {{ when }}, {{ where }}.",
        "Your meeting with {{ other }}: {{ when }}, {{ where }}.",
    ),
    (
        "expert_meeting_for_expert",
        _("Expert meetings: new meeting (expert)"),
        "Nouveau rendez-vous avec {{ other }} : {{ when }}, {{ where }}."
        "{% if subject %} Sujet : {{ subject }}.{% endif %}"
        "{% if agenda_url %} Votre agenda : {{ agenda_url }}{% endif %}",
        "New meeting with {{ other }}: {{ when }}, {{ where }}."
        "{% if subject %} Subject: {{ subject }}.{% endif %}"
        "{% if agenda_url %} Your agenda: {{ agenda_url }}{% endif %}",
    ),
    (
        "expert_not_retained",
        _("Expert meetings: request not retained"),
        "{{ other }} ne pourra pas vous recevoir : les organisateurs ont dû choisir parmi "
        "plus de demandes que de places.",
        "{{ other }} cannot meet you: the organisers had to choose among more requests "
        "than places.",
    ),
    (
        "expert_meeting_cancelled",
        _("Expert meetings: meeting cancelled (participant)"),
        "Votre rendez-vous avec {{ other }}{% if when %} ({{ when }}){% endif %} est annulé.",
        "Your meeting with {{ other }}{% if when %} ({{ when }}){% endif %} is cancelled.",
    ),
    (
        "expert_meeting_cancelled_expert",
        _("Expert meetings: meeting cancelled (expert)"),
        "Le rendez-vous avec {{ other }} ({{ when }}) est annulé.",
        "The meeting with {{ other }} ({{ when }}) is cancelled.",
    ),
    (
        "expert_meeting_moved",
        _("Expert meetings: expert absent, meeting moved"),
        "{{ previous }} est absent. Votre rendez-vous a lieu avec {{ other }} : {{ when }}, "
        "{{ where }}.",
        "{{ previous }} is absent. Your meeting is now with {{ other }}: {{ when }}, {{ where }}.",
    ),
    (
        "expert_meeting_cancelled_absence",
        _("Expert meetings: expert absent, meeting cancelled"),
        "{{ other }} est absent et aucun autre expert ne peut vous recevoir : votre "
        "rendez-vous du {{ when }} est annulé. Nous vous prions de nous en excuser.",
        "{{ other }} is absent and no other expert can meet you: your meeting of {{ when }} "
        "is cancelled. We apologise.",
    ),
    (
        "expert_meeting_rescheduled",
        _("Expert meetings: meeting moved by the organisers (participant)"),
        "Les organisateurs ont déplacé votre rendez-vous expert. Il a lieu avec {{ other }} : "
        "{{ when }}, {{ where }}.",
        "The organisers have moved your expert meeting. It is now with {{ other }}: "
        "{{ when }}, {{ where }}.",
    ),
    (
        "expert_meeting_rescheduled_expert",
        _("Expert meetings: meeting moved by the organisers (expert)"),
        "Les organisateurs ont déplacé votre rendez-vous avec {{ other }} : {{ when }}, "
        "{{ where }}.{% if agenda_url %} Votre agenda : {{ agenda_url }}{% endif %}",
        "The organisers have moved your meeting with {{ other }}: {{ when }}, {{ where }}."
        "{% if agenda_url %} Your agenda: {{ agenda_url }}{% endif %}",
    ),
]


_SUBJECT = ("Rendez-vous expert", "Expert meeting")
# Messages a participant must not miss also go by SMS; "not retained" is e-mail only.
_E_MAIL_ONLY = {"expert_not_retained"}


def register_templates():
    register_event_messages(
        [
            EventMessage(code, label, _SUBJECT, (fr_text, en_text), sms=code not in _E_MAIL_ONLY)
            for code, label, fr_text, en_text in _TEXTS
        ],
        placeholders=_PLACEHOLDERS,
    )


def meeting_context(em) -> dict:
    if em is None or em.start is None:
        return {"when": "", "where": ""}
    start, end = timezone.localtime(em.start), timezone.localtime(em.end)
    return {"when": f"{start:%d/%m/%Y %H:%M}–{end:%H:%M}", "where": em.expert.place}


def _send(event, code, *, name, email, phone, language, ctx, sms=True, cc_admins=False):
    context = {"event": event.name, "event_url": event_url(event), "name": name, **ctx}
    outbox.send_message(
        code,
        email=email,
        phone=phone if sms else None,
        context=context,
        language=language or "fr",
        scope_type=SCOPE_EVENT,
        scope_id=event.pk,
        cc_admins=cc_admins,
    )


def tell_rep(rep, code, *, meeting=None, expert=None, sms=True, cc_admins=False):
    """To a participant: `other` is the expert (of the meeting, or `expert`)."""
    expert = expert or meeting.expert
    ctx = {
        "other": expert.full_name + (f" ({expert.organisation})" if expert.organisation else ""),
        "subject": str(meeting.topic) if meeting is not None and meeting.topic_id else "",
        "previous": meeting.moved_from.full_name
        if meeting is not None and meeting.moved_from_id
        else "",
        **meeting_context(meeting),
    }
    _send(
        rep.company.event,
        code,
        name=rep.full_name,
        email=rep.email,
        phone=rep.phone,
        language=getattr(rep.user, "language", None),
        ctx=ctx,
        sms=sms,
        cc_admins=cc_admins,
    )


def _agenda_url(expert) -> str:
    return absolute_url("events:expert_agenda", slug=expert.event.slug)


def tell_expert(expert, code, *, meeting, sms=True):
    """To an expert: `other` is their interlocutor (person and company)."""
    rep = meeting.representative
    ctx = {
        "other": f"{rep.full_name} ({rep.company.name})",
        "subject": str(meeting.topic) if meeting.topic_id else "",
        "previous": "",
        "agenda_url": _agenda_url(expert) if expert.user_id else "",
        **meeting_context(meeting),
    }
    _send(
        expert.event,
        code,
        name=expert.full_name,
        email=expert.email,
        phone=expert.phone,
        language=getattr(expert.user, "language", None),
        ctx=ctx,
        sms=sms,
    )
