"""Outbox messages of child protection. They never carry child data: a link only."""

from django.utils.translation import gettext_lazy as _


def register_templates():
    from civitas.core.outbox import templates

    templates.register(
        "childprotection.break_glass",
        _("Child protection: break-glass access to a file"),
        placeholders={"user": _("Who opened the file"), "link": _("Link to the file")},
        default_subject={
            "fr": "Protection de l'enfance : accès exceptionnel à un dossier",
            "en": "Child protection: break-glass access to a file",
        },
        default_body={
            "fr": (
                "Bonjour,\n\n{{ user }} a ouvert un dossier hors de son périmètre, avec un "
                "motif écrit.\nConsultez le motif et le dossier (connexion requise) :\n"
                "{{ link }}\n"
            ),
            "en": (
                "Hello,\n\n{{ user }} opened a file outside their scope, with a written "
                "reason.\nSee the reason and the file (sign-in required):\n{{ link }}\n"
            ),
        },
    )
    templates.register(
        "childprotection.deadlines",
        _("Child protection: deadlines coming or overdue"),
        placeholders={
            "count": _("Number of children's deadlines newly due soon or lapsed"),
            "link": _("Link to the deadlines"),
        },
        default_subject={
            "fr": "Protection de l'enfance : échéances à surveiller",
            "en": "Child protection: deadlines to watch",
        },
        default_body={
            "fr": (
                "Bonjour,\n\n{{ count }} échéance(s) d'évaluation d'enfants, dans des "
                "dossiers confiés à votre service, arrivent à terme ou sont dépassées.\n"
                "Consultez-les (connexion requise) :\n{{ link }}\n"
            ),
            "en": (
                "Hello,\n\n{{ count }} children's evaluation deadline(s), in files assigned "
                "to your service, are due soon or lapsed.\n"
                "See them (sign-in required):\n{{ link }}\n"
            ),
        },
    )
