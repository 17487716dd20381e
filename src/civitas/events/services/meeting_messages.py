"""Message templates of the meeting operations: changes made by the organisers, waiting
lists, agendas re-issued. Registered from EventsConfig.ready(); sent through notify.tell
(the outbox), never with send_mail."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civitas.core.outbox import templates

from .notify import P_EVENT, P_MEETING, P_OTHER, P_PERSON

_P_REASON = {"reason": _("Reason given")}

# (code, label, fr subject, en subject, fr text, en text, extra placeholders, with SMS)
MESSAGES = [
    (
        "meeting_moved",
        _("Events: meeting moved by the organisers"),
        "Rendez-vous déplacé",
        "Meeting moved",
        "Les organisateurs ont déplacé votre rendez-vous avec {{ other }} : {{ when }}, "
        "{{ where }}.",
        "The organisers moved your meeting with {{ other }}: {{ when }}, {{ where }}.",
        {},
        True,
    ),
    (
        "meeting_cancelled_by_organiser",
        _("Events: meeting cancelled by the organisers"),
        "Rendez-vous annulé",
        "Meeting cancelled",
        "Les organisateurs ont annulé votre rendez-vous avec {{ other }} ({{ when }})."
        "{% if reason %} Motif : {{ reason }}.{% endif %}"
        "{% if replan %} La demande reste confirmée : un autre créneau pourra vous être "
        "proposé.{% endif %}",
        "The organisers cancelled your meeting with {{ other }} ({{ when }})."
        "{% if reason %} Reason: {{ reason }}.{% endif %}"
        "{% if replan %} The request stays confirmed: another time may be offered to "
        "you.{% endif %}",
        {**_P_REASON, "replan": _("Set when the request stays confirmed")},
        True,
    ),
    (
        "meeting_released",
        _("Events: meeting cancelled, the other party will be absent"),
        "Rendez-vous annulé",
        "Meeting cancelled",
        "{{ other }} ne sera pas présent(e) à ce moment : votre rendez-vous du {{ when }} est "
        "annulé.{% if replan %} La demande reste confirmée : les organisateurs pourront vous "
        "proposer un autre créneau.{% endif %}",
        "{{ other }} will not be there at that time: your meeting of {{ when }} is "
        "cancelled.{% if replan %} The request stays confirmed: the organisers may offer you "
        "another time.{% endif %}",
        {"replan": _("Set when the request stays confirmed")},
        True,
    ),
    (
        "waitlist_promoted",
        _("Events: place freed, meeting confirmed from the waiting list"),
        "Une place s'est libérée",
        "A place became free",
        "Une place s'est libérée : votre rendez-vous avec {{ other }} est confirmé : "
        "{{ when }}, {{ where }}.",
        "A place became free: your meeting with {{ other }} is confirmed: {{ when }}, {{ where }}.",
        {},
        True,
    ),
    (
        "waitlist_expired",
        _("Events: waiting list closed, the slot has started"),
        "Liste d'attente close",
        "Waiting list closed",
        "Le créneau du {{ when }} a commencé sans qu'une place se libère : votre inscription "
        "en liste d'attente pour le rendez-vous avec {{ other }} est close.",
        "The slot of {{ when }} has started and no place became free: your place on the "
        "waiting list for the meeting with {{ other }} is closed.",
        {},
        False,
    ),
    (
        "agenda_reissued",
        _("Events: agenda (PDF) available"),
        "Votre agenda",
        "Your agenda",
        "Votre agenda de rendez-vous est à jour. Téléchargez-le (PDF) : {{ agenda_url }}\n"
        "Ce lien est personnel : ne le transmettez pas.",
        "Your meeting agenda is up to date. Download it (PDF): {{ agenda_url }}\n"
        "This link is personal: do not pass it on.",
        {"agenda_url": _("Link to the person's agenda (PDF)")},
        False,
    ),
]


def register_templates():
    for code, label, fr_subject, en_subject, fr_text, en_text, extra, sms in MESSAGES:
        placeholders = {**P_EVENT, **P_PERSON, **P_OTHER, **P_MEETING, **extra}
        templates.register(
            f"events.{code}",
            label,
            placeholders=placeholders,
            default_subject={
                "fr": f"{fr_subject} : {{{{ event }}}}",
                "en": f"{en_subject}: {{{{ event }}}}",
            },
            default_body={
                "fr": f"Bonjour {{{{ name }}}},\n\n{fr_text}\n\n{{{{ event_url }}}}\n\n"
                "{{ organisation }}",
                "en": f"Hello {{{{ name }}}},\n\n{en_text}\n\n{{{{ event_url }}}}\n\n"
                "{{ organisation }}",
            },
            channels=("email", "sms") if sms else ("email",),
        )
        if sms:
            templates.register(
                f"events.{code}_sms",
                _("%(label)s (SMS)") % {"label": label},
                placeholders=placeholders,
                default_subject={"fr": "", "en": ""},
                default_body={
                    "fr": f"{{{{ event }}}} : {fr_text}",
                    "en": f"{{{{ event }}}}: {en_text}",
                },
                channels=("sms",),
            )
