"""Outbox messages of the councils module (mail, with an optional SMS)."""

from django.utils.translation import gettext_lazy as _

PLACEHOLDERS = {
    "name": _("Official's name"),
    "sitting": _("Sitting"),
    "date": _("Date and time of the sitting"),
    "place": _("Place"),
    "link": _("Personal link"),
    "expires": _("Link valid until"),
    "epci": _("EPCI"),
}


def register_templates():
    from civitas.core.outbox import templates

    templates.register(
        "councils.documents_sent",
        _("Councils: documents of a sitting sent"),
        placeholders=PLACEHOLDERS,
        default_subject={
            "fr": "{{ epci }} : documents de la séance « {{ sitting }} »",
            "en": "{{ epci }}: documents of the sitting “{{ sitting }}”",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\nLes documents de la séance « {{ sitting }} » du "
            "{{ date }} ({{ place }}) sont à votre disposition à cette adresse personnelle :\n"
            "{{ link }}\n\nCe lien vous est personnel et reste valable jusqu'au {{ expires }}. "
            "Merci d'en accuser réception depuis la page.\n\n{{ epci }}",
            "en": "Hello {{ name }},\n\nThe documents of the sitting “{{ sitting }}” on "
            "{{ date }} ({{ place }}) are available at this personal address:\n{{ link }}\n\n"
            "This link is personal and valid until {{ expires }}. Please acknowledge receipt "
            "on the page.\n\n{{ epci }}",
        },
        sms={
            "fr": "{{ epci }} : documents de la séance du {{ date }} : {{ link }}",
            "en": "{{ epci }}: documents of the sitting on {{ date }}: {{ link }}",
        },
    )
    templates.register(
        "councils.reminder",
        _("Councils: reminder to officials who have not opened their documents"),
        placeholders=PLACEHOLDERS,
        default_subject={
            "fr": "Rappel : documents de la séance « {{ sitting }} »",
            "en": "Reminder: documents of the sitting “{{ sitting }}”",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\nVous n'avez pas encore consulté les documents de la "
            "séance « {{ sitting }} » du {{ date }} :\n{{ link }}\n\n{{ epci }}",
            "en": "Hello {{ name }},\n\nYou have not opened the documents of the sitting "
            "“{{ sitting }}” on {{ date }} yet:\n{{ link }}\n\n{{ epci }}",
        },
    )
