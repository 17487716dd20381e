"""Message templates of the meeting operations: changes made by the organisers, waiting
lists, agendas re-issued. Registered from EventsConfig.ready(); sent through notify.tell
(the outbox), never with send_mail."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .notify import P_MEETING_ALL, EventMessage, register_event_messages

_P_REASON = {"reason": _("Reason given")}

MESSAGES = [
    EventMessage(
        "meeting_moved",
        _("Events: meeting moved by the organisers"),
        ("Rendez-vous déplacé", "Meeting moved"),
        (
            "Les organisateurs ont déplacé votre rendez-vous avec {{ other }} : {{ when }}, "
            "{{ where }}.",
            "The organisers moved your meeting with {{ other }}: {{ when }}, {{ where }}.",
        ),
    ),
    EventMessage(
        "meeting_cancelled_by_organiser",
        _("Events: meeting cancelled by the organisers"),
        ("Rendez-vous annulé", "Meeting cancelled"),
        (
            "Les organisateurs ont annulé votre rendez-vous avec {{ other }} ({{ when }})."
            "{% if reason %} Motif : {{ reason }}.{% endif %}"
            "{% if replan %} La demande reste confirmée : un autre créneau pourra vous être "
            "proposé.{% endif %}",
            "The organisers cancelled your meeting with {{ other }} ({{ when }})."
            "{% if reason %} Reason: {{ reason }}.{% endif %}"
            "{% if replan %} The request stays confirmed: another time may be offered to "
            "you.{% endif %}",
        ),
        placeholders={**_P_REASON, "replan": _("Set when the request stays confirmed")},
    ),
    EventMessage(
        "meeting_released",
        _("Events: meeting cancelled, the other party will be absent"),
        ("Rendez-vous annulé", "Meeting cancelled"),
        (
            "{{ other }} ne sera pas présent(e) à ce moment : votre rendez-vous du {{ when }} "
            "est annulé.{% if replan %} La demande reste confirmée : les organisateurs pourront "
            "vous proposer un autre créneau.{% endif %}",
            "{{ other }} will not be there at that time: your meeting of {{ when }} is "
            "cancelled.{% if replan %} The request stays confirmed: the organisers may offer "
            "you another time.{% endif %}",
        ),
        placeholders={"replan": _("Set when the request stays confirmed")},
    ),
    EventMessage(
        "waitlist_promoted",
        _("Events: place freed, meeting confirmed from the waiting list"),
        ("Une place s'est libérée", "A place became free"),
        (
            "Une place s'est libérée : votre rendez-vous avec {{ other }} est confirmé : "
            "{{ when }}, {{ where }}.",
            "A place became free: your meeting with {{ other }} is confirmed: {{ when }}, "
            "{{ where }}.",
        ),
    ),
    EventMessage(
        "waitlist_expired",
        _("Events: waiting list closed, the slot has started"),
        ("Liste d'attente close", "Waiting list closed"),
        (
            "Le créneau du {{ when }} a commencé sans qu'une place se libère : votre "
            "inscription en liste d'attente pour le rendez-vous avec {{ other }} est close.",
            "The slot of {{ when }} has started and no place became free: your place on the "
            "waiting list for the meeting with {{ other }} is closed.",
        ),
        sms=False,
    ),
    EventMessage(
        "agenda_reissued",
        _("Events: agenda (PDF) available"),
        ("Votre agenda", "Your agenda"),
        (
            "Votre agenda de rendez-vous est à jour. Téléchargez-le (PDF) : {{ agenda_url }}\n"
            "Ce lien est personnel : ne le transmettez pas.",
            "Your meeting agenda is up to date. Download it (PDF): {{ agenda_url }}\n"
            "This link is personal: do not pass it on.",
        ),
        sms=False,
        placeholders={"agenda_url": _("Link to the person's agenda (PDF)")},
    ),
]


def register_templates():
    register_event_messages(MESSAGES, placeholders=P_MEETING_ALL)
