"""Message templates: a module registers each message once (its e-mail and, when the
message really goes out by SMS too, its SMS); administrators edit their own versions.

    from civitas.core.outbox import templates
    templates.register(
        "events.registration_confirmed",
        _("Registration confirmed"),
        placeholders={"name": _("Participant's name"), "event": _("Event title")},
        default_subject={"fr": "Inscription confirmée", "en": "Registration confirmed"},
        default_body={"fr": "Bonjour {{ name }}, ...", "en": "Hello {{ name }}, ..."},
        sms={"fr": "{{ event }} : inscription confirmée", "en": "..."},   # optional
    )

and sends it with `services.send_message(code, email=..., phone=..., context=...)`: the
e-mail, plus the SMS when the message has one and a phone number is given. The template
editor lists an SMS row only for messages registered with `sms`.

Templates use the Django template language ({{ name }}, {% if %}, filters) rendered by a
separate engine that loads nothing from disk and has no extra tag library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.template import Context, Engine, TemplateSyntaxError
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("fr", "en")

# Placeholders every template gets.
COMMON_PLACEHOLDERS = {
    "organisation": _("Name of the organisation"),
    "site_url": _("Address of the platform"),
    "unsubscribe_url": _("Unsubscribe link (non-essential messages only)"),
}


@dataclass(frozen=True)
class RegisteredTemplate:
    code: str
    label: str
    placeholders: dict
    default_subject: dict
    default_body: dict
    default_sms: dict = field(default_factory=dict)
    all_placeholders: dict = field(default_factory=dict)

    @property
    def channels(self) -> tuple[str, ...]:
        return ("email", "sms") if self.default_sms else ("email",)

    @property
    def has_sms(self) -> bool:
        return bool(self.default_sms)

    def default(self, language: str, channel: str = "email") -> tuple[str, str]:
        """(subject, body) of the default text; the subject of an SMS is empty."""
        if channel == "sms":
            if not self.default_sms:
                raise ValueError(f"Template {self.code!r} has no SMS")
            lang = language if language in self.default_sms else next(iter(self.default_sms))
            return "", self.default_sms[lang]
        lang = language if language in self.default_body else next(iter(self.default_body))
        return self.default_subject.get(lang, ""), self.default_body[lang]


_registry: dict[str, RegisteredTemplate] = {}

_engine = Engine(dirs=[], app_dirs=False, loaders=[], libraries={}, autoescape=False)


def register(
    code: str,
    label,
    placeholders: dict,
    default_subject: dict,
    default_body: dict,
    sms: dict | None = None,
) -> RegisteredTemplate:
    """Register one message: its e-mail (subject and body per language) and, only when the
    message is really sent by SMS, its SMS text per language."""
    if not default_body:
        raise ValueError(f"Template {code!r} needs a default body")
    entry = RegisteredTemplate(
        code,
        label,
        dict(placeholders),
        dict(default_subject),
        dict(default_body),
        dict(sms or {}),
        {**COMMON_PLACEHOLDERS, **placeholders},
    )
    _registry[code] = entry
    return entry


def get(code: str) -> RegisteredTemplate:
    try:
        return _registry[code]
    except KeyError:
        raise KeyError(f"Unknown message template {code!r}: register it first") from None


def all_templates() -> list[RegisteredTemplate]:
    return sorted(_registry.values(), key=lambda t: t.code)


def compile(source: str):
    """Parse `source`; raises TemplateSyntaxError."""
    return _engine.from_string(source)


def render(source: str, context: dict) -> str:
    return compile(source).render(Context(context, autoescape=False))


_VAR = re.compile(r"{{\s*([A-Za-z_]\w*)")
_FOR = re.compile(r"{%\s*for\s+(.+?)\s+in\s")
_WITH = re.compile(r"{%\s*with\s+(.+?)\s*%}")


def check(source: str, placeholders) -> list[str]:
    """Problems in `source`: syntax errors and names that are not placeholders."""
    try:
        compile(source)
    except TemplateSyntaxError as exc:
        return [str(exc)]
    known = set(placeholders)
    for m in _FOR.finditer(source):
        known.update(n.strip() for n in m.group(1).split(","))
    for m in _WITH.finditer(source):
        known.update(part.split("=")[0].strip() for part in m.group(1).split())
    known.add("forloop")
    unknown = sorted({m.group(1) for m in _VAR.finditer(source)} - known)
    return [_("Unknown placeholder: %(name)s") % {"name": name} for name in unknown]


def register_core_templates():
    register(
        "core.admin_alert",
        _("Alert to administrators"),
        placeholders={
            "title": _("What happened"),
            "details": _("Details"),
            "time": _("When it was detected"),
        },
        default_subject={
            "fr": "[Alerte] {{ title }}",
            "en": "[Alert] {{ title }}",
        },
        default_body={
            "fr": (
                "Bonjour,\n\nLa plateforme {{ organisation }} signale un problème :\n\n"
                "{{ title }}\n{{ details }}\n\nDétecté le {{ time }}.\n\n{{ site_url }}\n"
            ),
            "en": (
                "Hello,\n\nThe {{ organisation }} platform reports a problem:\n\n"
                "{{ title }}\n{{ details }}\n\nDetected at {{ time }}.\n\n{{ site_url }}\n"
            ),
        },
    )
    register(
        "core.welcome",
        _("Welcome to a new user"),
        placeholders={"name": _("Name of the person"), "login_url": _("Login page address")},
        default_subject={
            "fr": "Bienvenue sur {{ organisation }}",
            "en": "Welcome to {{ organisation }}",
        },
        default_body={
            "fr": (
                "Bonjour {{ name }},\n\nVotre compte est prêt. Connectez-vous ici : "
                "{{ login_url }}\n\nL'équipe {{ organisation }}\n"
            ),
            "en": (
                "Hello {{ name }},\n\nYour account is ready. Log in here: {{ login_url }}\n\n"
                "The {{ organisation }} team\n"
            ),
        },
    )
