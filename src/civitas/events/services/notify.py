"""Messages of the events module: registered templates and helpers (through the outbox)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from civitas.core.outbox import services as outbox
from civitas.core.outbox import templates
from civitas.core.sites import absolute_url

from ..models import SCOPE_EVENT

P_EVENT = {"event": _("Event name"), "event_url": _("Address of the event page")}
P_PERSON = {"name": _("Recipient's name")}
P_OTHER = {"other": _("The other party (person and company)")}
P_FRENCH = {
    "de_company": _("“de” + company, elided in French (d’Atelier Dupont)"),
    "de_event": _("“de” + event name, elided in French (d’Atelier export)"),
    "signature": _("Signature: the organisers of the event"),
}
P_MEETING = {"when": _("Date and time"), "where": _("Room and table")}


def register_templates():
    templates.register(
        "events.registration_received",
        _("Events: registration received"),
        placeholders={
            **P_EVENT,
            **P_PERSON,
            "company": _("Company"),
            "password_url": _("Link to choose a password"),
            "area_url": _("Area"),
            "login": _("Login (e-mail address)"),
            "programme": _("Programme (days, sessions, venue)"),
            **P_FRENCH,
        },
        default_subject={
            "fr": "Inscription reçue : {{ event }}",
            "en": "Registration received: {{ event }}",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\nNous avons bien reçu l’inscription {{ de_company }} "
            "à {{ event }}. Les organisateurs vont la valider ; vous recevrez un message "
            "quand ce sera fait.\n\n"
            "Votre identifiant : {{ login }}\n{% if password_url %}Choisissez votre mot de "
            "passe : {{ password_url }}{% else %}Votre mot de passe est celui de votre compte "
            "existant.{% endif %}\n\nVotre espace : {{ area_url }}\n\n{{ programme }}\n\n"
            "Votre convocation, avec le QR code à présenter à l'entrée, est jointe à ce "
            "message ; elle est aussi dans votre espace.\n\n{{ signature }}",
            "en": "Hello {{ name }},\n\nWe have received the registration of {{ company }} "
            "for {{ event }}. The organisers will validate it.\n\n"
            "Your login: {{ login }}\n{% if password_url %}Choose your password: "
            "{{ password_url }}{% else %}Your password is the one of your existing account."
            "{% endif %}\n\nYour area: {{ area_url }}\n\n{{ programme }}\n\n"
            "Your convocation, with the QR code to show at the entrance, is attached; it is "
            "also in your area.\n\n{{ signature }}",
        },
    )
    templates.register(
        "events.registration_validated",
        _("Events: registration validated"),
        placeholders={
            **P_EVENT,
            **P_PERSON,
            "company": _("Company"),
            "area_url": _("Area"),
            **P_FRENCH,
        },
        default_subject={
            "fr": "Inscription validée : {{ event }}",
            "en": "Registration validated: {{ event }}",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\nL’inscription {{ de_company }} à {{ event }} est "
            "validée : votre profil est visible dans le catalogue et vous pouvez demander des "
            "rendez-vous : {{ area_url }}\n\n{{ signature }}",
            "en": "Hello {{ name }},\n\nThe registration of {{ company }} for {{ event }} is "
            "validated: your profile is in the catalogue and you can request meetings: "
            "{{ area_url }}\n\n{{ signature }}",
        },
    )
    templates.register(
        "events.item_rejected",
        _("Events: representative, offer or registration rejected"),
        placeholders={
            **P_EVENT,
            **P_PERSON,
            "company": _("Company"),
            "item": _("What was rejected"),
            "reason": _("Reason given by the organisers"),
            "area_url": _("Area"),
        },
        default_subject={
            "fr": "Validation refusée : {{ event }}",
            "en": "Validation refused: {{ event }}",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\nLes organisateurs de {{ event }} n'ont pas validé "
            "l'élément suivant de {{ company }} : {{ item }}.\n\nMotif : {{ reason }}\n\n"
            "Vous pouvez le modifier dans votre espace : {{ area_url }}\n\n{{ organisation }}",
            "en": "Hello {{ name }},\n\nThe organisers of {{ event }} did not validate the "
            "following item of {{ company }}: {{ item }}.\n\nReason: {{ reason }}\n\n"
            "You may change it in your area: {{ area_url }}\n\n{{ organisation }}",
        },
    )
    templates.register(
        "events.registration_rejected",
        _("Events: registration rejected or withdrawn"),
        placeholders={
            **P_EVENT,
            **P_PERSON,
            "company": _("Company"),
            "reason": _("Reason given by the organisers"),
            "withdrawn": _("Whether the registration had been validated"),
            "meetings_cancelled": _("Number of meetings cancelled"),
        },
        default_subject={
            "fr": "Inscription {% if withdrawn %}retirée{% else %}refusée{% endif %} : {{ event }}",
            "en": "Registration {% if withdrawn %}withdrawn{% else %}declined{% endif %}: "
            "{{ event }}",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\n{% if withdrawn %}Les organisateurs de {{ event }} "
            "ont retiré l'inscription de {{ company }}, qui avait été validée."
            "{% else %}Les organisateurs de {{ event }} n'ont pas retenu l'inscription de "
            "{{ company }}.{% endif %}\n\n{% if reason %}Motif : {{ reason }}\n\n{% endif %}"
            "{% if meetings_cancelled %}Vos {{ meetings_cancelled }} rendez-vous planifiés sont "
            "annulés ; vos interlocuteurs en sont informés.\n\n{% endif %}"
            "Pour toute question, répondez à ce message.\n\n{{ organisation }}",
            "en": "Hello {{ name }},\n\n{% if withdrawn %}The organisers of {{ event }} have "
            "withdrawn the registration of {{ company }}, which had been validated."
            "{% else %}The organisers of {{ event }} have not accepted the registration of "
            "{{ company }}.{% endif %}\n\n{% if reason %}Reason: {{ reason }}\n\n{% endif %}"
            "{% if meetings_cancelled %}Your {{ meetings_cancelled }} scheduled meetings are "
            "cancelled; the people you were to meet are told.\n\n{% endif %}"
            "If you have a question, reply to this message.\n\n{{ organisation }}",
        },
    )
    templates.register(
        "events.representative_email_changed",
        _("Events: a representative's e-mail address changed by the organisers"),
        placeholders={
            **P_EVENT,
            **P_PERSON,
            "company": _("Company"),
            "new_email": _("The new address"),
        },
        default_subject={
            "fr": "Changement d'adresse : {{ event }}",
            "en": "Change of address: {{ event }}",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\nÀ la demande de {{ company }}, les organisateurs de "
            "{{ event }} ont remplacé cette adresse par {{ new_email }} : les messages de "
            "l'événement iront désormais à cette nouvelle adresse.\n\nSi vous n'êtes pas à "
            "l'origine de ce changement, répondez à ce message.\n\n{{ organisation }}",
            "en": "Hello {{ name }},\n\nAt the request of {{ company }}, the organisers of "
            "{{ event }} have replaced this address with {{ new_email }}: the event's messages "
            "now go to the new address.\n\nIf you did not ask for this change, reply to this "
            "message.\n\n{{ organisation }}",
        },
    )
    register_event_messages(MEETING_MESSAGES, placeholders=P_MEETING_ALL)
    from . import membership

    membership.register_templates()


@dataclass(frozen=True)
class EventMessage:
    """A short message of the events module: "Hello {{ name }}, <text> <event page>" by
    e-mail and "<event>: <text>" by SMS (when `sms`: only messages really sent by SMS)."""

    code: str
    label: object
    subject: tuple[str, str]  # (French, English), followed by ": <event>"
    text: tuple[str, str]  # (French, English)
    sms: bool = True
    placeholders: dict = field(default_factory=dict)  # besides the shared ones


def register_event_messages(messages, *, placeholders: dict) -> None:
    """The one registration loop of the events module's short messages (mail and SMS in
    one registration each)."""
    for m in messages:
        (fr_subject, en_subject), (fr_text, en_text) = m.subject, m.text
        templates.register(
            f"events.{m.code}",
            m.label,
            placeholders={**placeholders, **m.placeholders},
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
            sms={"fr": f"{{{{ event }}}} : {fr_text}", "en": f"{{{{ event }}}}: {en_text}"}
            if m.sms
            else None,
        )


P_MEETING_ALL = {**P_EVENT, **P_PERSON, **P_OTHER, **P_MEETING}

MEETING_MESSAGES = [
    EventMessage(
        "request_received",
        _("Events: meeting request received"),
        ("Demande de rendez-vous", "Meeting request"),
        (
            "{{ other }} vous propose un rendez-vous. Acceptez ou refusez-le dans votre espace.",
            "{{ other }} asks you for a meeting. Accept or decline it in your area.",
        ),
    ),
    EventMessage(
        "request_accepted",
        _("Events: meeting request accepted"),
        ("Demande acceptée", "Request accepted"),
        (
            "{{ other }} a accepté votre demande. Confirmez-la dans votre espace.",
            "{{ other }} accepted your request. Confirm it in your area.",
        ),
    ),
    EventMessage(
        "request_confirmed",
        _("Events: meeting confirmed"),
        ("Rendez-vous confirmé", "Meeting confirmed"),
        (
            "Votre rendez-vous avec {{ other }} est confirmé.{% if when %} {{ when }}, "
            "{{ where }}.{% endif %}",
            "Your meeting with {{ other }} is confirmed.{% if when %} {{ when }}, "
            "{{ where }}.{% endif %}",
        ),
    ),
    EventMessage(
        "request_declined",
        _("Events: meeting request declined"),
        ("Demande déclinée", "Request declined"),
        (
            "{{ other }} a décliné votre demande de rendez-vous.",
            "{{ other }} declined your meeting request.",
        ),
        sms=False,
    ),
    EventMessage(
        "meeting_cancelled",
        _("Events: meeting cancelled"),
        ("Rendez-vous annulé", "Meeting cancelled"),
        (
            "{{ other }} a annulé votre rendez-vous.{% if when %} ({{ when }}){% endif %}",
            "{{ other }} cancelled your meeting.{% if when %} ({{ when }}){% endif %}",
        ),
    ),
    EventMessage(
        "request_expired",
        _("Events: meeting request expired"),
        ("Demande expirée", "Request expired"),
        (
            "Votre demande de rendez-vous avec {{ other }} a expiré sans réponse.",
            "Your meeting request to {{ other }} expired without an answer.",
        ),
        sms=False,
    ),
    EventMessage(
        "meeting_scheduled",
        _("Events: meeting scheduled (published agenda)"),
        ("Votre rendez-vous", "Your meeting"),
        (
            "Rendez-vous avec {{ other }} : {{ when }}, {{ where }}.",
            "Meeting with {{ other }}: {{ when }}, {{ where }}.",
        ),
    ),
]


def event_url(event) -> str:
    return absolute_url("events:event_page", slug=event.slug)


def meeting_context(meeting) -> dict:
    if meeting is None:
        return {"when": "", "where": ""}
    start = timezone.localtime(meeting.slot.start)
    return {
        "when": f"{start:%d/%m/%Y %H:%M}",
        "where": f"{meeting.room} – table {meeting.table_number}",
    }


def tell_address(event, email: str, code: str, *, language="fr", extra=None) -> None:
    """E-mail to an address that is no representative (any more), e.g. the old address of
    a representative whose address the organisers changed."""
    outbox.send_message(
        code,
        email=email,
        phone=None,
        context={"event": event.name, "event_url": event_url(event), **(extra or {})},
        language=language,
        scope_type=SCOPE_EVENT,
        scope_id=event.pk,
    )


_VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüœæAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ")


def de(name: str) -> str:
    """French “de” before a name, elided before a vowel: « d’Atelier », « de Salon »."""
    name = str(name or "").strip()
    if name[:1] in _VOWELS:
        return f"d’{name}"
    return f"de {name}"


def signature(event, language: str) -> str:
    """Who signs the event's mails: its organisers (with their address when given), never
    the platform's name."""
    if language == "fr":
        text = f"L’équipe organisatrice {de(event.name)}"
    else:
        text = f"The organisers of {event.name}"
    if event.organiser_email:
        text += f"\n{event.organiser_email}"
    return text


def _without_password_link(language) -> dict:
    with translation.override(language):
        return {"password_url": str(_("[personal link, sent to the participant only]"))}


def tell(
    rep, code, *, other=None, meeting=None, sms=True, cc_admins=False, extra=None, attachments=None
):
    """E-mail (and SMS if the message has one and the person a mobile number) to one
    representative; `sms=False` keeps this one to e-mail.

    `attachments` go with the e-mail: [(file name, bytes, content type)]."""
    event = rep.company.event
    ctx = {
        "event": event.name,
        "event_url": event_url(event),
        "name": rep.full_name,
        "other": f"{other.full_name} ({other.company.name})" if other else "",
        **meeting_context(meeting),
        **(extra or {}),
    }
    language = getattr(rep.user, "language", None) or "fr"
    ctx.setdefault("de_event", de(event.name))
    ctx.setdefault("de_company", de(ctx.get("company") or rep.company.name))
    ctx.setdefault("signature", signature(event, language))
    outbox.send_message(
        code,
        email=rep.email,
        phone=rep.phone if sms else None,
        context=ctx,
        language=language,
        scope_type=SCOPE_EVENT,
        scope_id=event.pk,
        cc_admins=cc_admins,
        # The link to choose a password is the participant's alone: the organisers get
        # their own message without it, not a copy.
        admin_context=_without_password_link(language)
        if cc_admins and ctx.get("password_url")
        else None,
        attachments=attachments,
    )
